import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { MemoryRecord } from '../../src/model/MemoryRecord.js';
import { SEMANTIC_SCHEMA } from '../../src/model/MemorySchema.js';
import { changeFields, parseChange, type Change } from '../../src/redis/changeStream.js';
import { MemoryStore } from '../../src/redis/MemoryStore.js';
import type { RedisAccess } from '../../src/redis/RedisAccess.js';
import { RedisKeys } from '../../src/redis/RedisKeys.js';
import { startRedis } from '../support/testApp.js';

function memory(id: string): MemoryRecord {
  return {
    id,
    vector: new Float32Array([1, 0, 0, 0]),
    tags: {},
    numbers: {},
    payload: Buffer.from(id),
  };
}

/** Names of a flat field-value list, in order. */
function names(flat: readonly string[]): string[] {
  return flat.filter((_, i) => i % 2 === 0);
}

/**
 * The three writers of change entries (upsertMemories.lua, deleteMemories.lua, touchMemories.lua)
 * write one format, the one src/redis/changeStream.ts defines and parses.
 */
describe('the change-stream entry format', () => {
  let redis: RedisProcess;
  let client: Redis;
  let store: MemoryStore;
  const keys = new RedisKeys('codec-test:');

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    const access: RedisAccess = {
      master: (operation) => operation(client),
      read: (operation) => operation(client),
      replicatedWrite: (operation) => operation(client),
    };
    store = new MemoryStore(access, keys, { changeStreamMaxLen: 1000 });
  });

  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('is written alike by the upsert, delete and touch paths, and parsed back', async () => {
    // Ids JSON and Lua's cjson escape differently ('/', non-ASCII): parsing must not care.
    const ids = ['plain', 'a/b', 'quote"d', 'ünï', '☃'];
    const kind = SEMANTIC_SCHEMA.kind;
    const written: Change[] = [
      { kind, op: 'u', writeToken: 'w:1', ids },
      { kind, op: 'a', writeToken: 'w:2', ids },
      { kind, op: 'd', writeToken: 'w:3', ids },
    ];
    const upserted = await store.upsert(SEMANTIC_SCHEMA, ids.map(memory), 'w:1');
    const touched = await store.touch(SEMANTIC_SCHEMA, ids, 'w:2');
    const deleted = await store.delete(SEMANTIC_SCHEMA, ids, 'w:3');
    const streamIds = [
      'streamId' in upserted ? upserted.streamId : null,
      touched.streamId,
      deleted.streamId,
    ];

    const entries = await client.xrange(keys.changes(), '-', '+');
    expect(entries.map(([id]) => id)).toEqual(streamIds);
    entries.forEach(([id, flat], i) => {
      const change = written[i] as Change;
      expect(names(flat)).toEqual(names(changeFields(change)));
      expect(parseChange(id, flat)).toEqual({ streamId: id, ...change });
    });
  });

  it('is what readChanges returns', async () => {
    const changes = await store.readChanges(client, '0-0', 0, 10);
    expect(changes.map((c) => [c.op, c.writeToken])).toEqual([
      ['u', 'w:1'],
      ['a', 'w:2'],
      ['d', 'w:3'],
    ]);
  });

  it('parses leniently: missing fields empty, bad ids none, unknown op an upsert', () => {
    expect(parseChange('1-1', ['op', 'x', 'ids', 'not json'])).toEqual({
      streamId: '1-1',
      kind: '',
      op: 'u',
      writeToken: '',
      ids: [],
    });
  });
});
