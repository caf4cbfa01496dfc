import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { withKnownAt } from '../model/asOf.js';
import type { MemoryRecord } from '../model/MemoryRecord.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import { parseChange, type ChangeEntry } from './changeStream.js';
import type { RedisAccess } from './RedisAccess.js';
import type { RedisKeys } from './RedisKeys.js';
import { deleteMemories, type DeleteMemoriesResult } from './scripts/deleteMemories.js';
import { memoriesExist } from './scripts/memoriesExist.js';
import type { MemoryChangeInput, OwnerGuard } from './scripts/memoryChanges.js';
import { upsertMemories, type UpsertMemoriesResult } from './scripts/upsertMemories.js';
import { touchMemories, type TouchResult } from './scripts/touchMemories.js';
import { newestStreamId } from './streamIds.js';
import { outcomeVersioning, parseVersions, VERSIONS_FIELD } from './outcomeVersions.js';

export type { ChangeEntry } from './changeStream.js';
export type { TouchResult } from './scripts/touchMemories.js';
export type { UpsertMemoriesResult } from './scripts/upsertMemories.js';

export interface StoreOptions {
  changeStreamMaxLen: number;
  /**
   * How far back (seconds, on the event-time axis) earlier outcomes of a memory are kept for
   * as-of queries (src/redis/outcomeVersions.ts); 0: forever.
   */
  asOfRetentionSeconds?: number;
}

/** An upsert's request id, whose (a token's name), how long it is kept and its digest. */
export interface StoredRequest {
  readonly scope: string;
  readonly id: string;
  readonly windowMs: number;
  readonly digest: string;
}

/** Where a read goes: a replica (the router's choice) or the master. */
export type ReadSource = 'replica' | 'master';

/** Memories as Redis hashes, plus the change stream every write appends to. */
export class MemoryStore {
  constructor(
    private readonly redis: RedisAccess,
    readonly keys: RedisKeys,
    private readonly options: StoreOptions,
  ) {}

  /**
   * Writes memories (replacing whole hashes) and one change entry, atomically. With `owners`,
   * nothing is written when a memory exists whose owner (schema.ownerField) is not one of them.
   * A memory replaced by one whose outcome became known later keeps its outcome as an earlier
   * version (src/redis/outcomeVersions.ts). Records without a known-at get their time as one.
   */
  async upsert(
    schema: MemorySchema,
    records: readonly MemoryRecord[],
    writeToken: string,
    owners: readonly string[] | null = null,
    request: StoredRequest | null = null,
  ): Promise<UpsertMemoriesResult> {
    const input = this.changeInput(
      schema,
      records.map((r) => r.id),
      writeToken,
    );
    // A record without a known-at (not from the codec) is known at its time, here as in Redis.
    const hashes = records.map((record) => encodeHash(schema, withKnownAt(schema, record)));
    const guard = ownerGuard(schema, owners);
    const record =
      request === null
        ? null
        : {
            key: this.keys.upsertRequest(request.scope, request.id),
            windowMs: request.windowMs,
            digest: request.digest,
          };
    const retention = this.options.asOfRetentionSeconds ?? 0;
    const versioning = outcomeVersioning(schema, retention, Date.now() / 1000);
    return this.redis.replicatedWrite((redis) =>
      upsertMemories(redis, input, hashes, guard, record, versioning),
    );
  }

  /** Reads memories by id; null where a memory does not exist. */
  async get(
    schema: MemorySchema,
    ids: readonly string[],
    includeVector: boolean,
    source: ReadSource = 'replica',
    deadlineMs = Infinity,
  ): Promise<(MemoryRecord | null)[]> {
    if (ids.length === 0) return [];
    const fields = hashFields(schema, includeVector);
    const read = async (redis: Redis) => {
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hmgetBuffer(this.keys.memory(schema.kind, id), ...fields);
      // Inside the operation, so that the router sees a failed pipeline and can retry it.
      return pipelineReplies(await pipeline.exec()) as (Buffer | null)[][];
    };
    const results =
      source === 'master' ? await this.redis.master(read) : await this.redis.read(read, deadlineMs);
    return results.map((values, i) => decodeHash(schema, ids[i] ?? '', fields, values));
  }

  /** Deletes memories by id; returns how many existed, and the change entry's id. */
  async delete(
    schema: MemorySchema,
    ids: readonly string[],
    writeToken: string,
    owners: readonly string[] | null = null,
  ): Promise<DeleteMemoriesResult> {
    if (ids.length === 0) return { deleted: 0, streamId: null };
    const input = this.changeInput(schema, ids, writeToken);
    const guard = ownerGuard(schema, owners);
    return this.redis.replicatedWrite((redis) => deleteMemories(redis, input, guard));
  }

  /** Counts one recall of each semantic memory (access_count + 1, last_accessed = now). */
  async touch(
    schema: MemorySchema,
    ids: readonly string[],
    writeToken: string,
  ): Promise<TouchResult> {
    const input = this.changeInput(schema, ids, writeToken);
    return this.redis.replicatedWrite((redis) => touchMemories(redis, input));
  }

  /** What the scripts that change memories and log the change take. */
  private changeInput(
    schema: MemorySchema,
    ids: readonly string[],
    writeToken: string,
  ): MemoryChangeInput {
    return {
      stream: this.keys.changes(),
      maxLen: this.options.changeStreamMaxLen,
      kind: schema.kind,
      writeToken,
      memories: ids.map((id) => ({ id, key: this.keys.memory(schema.kind, id) })),
    };
  }

  /** Every memory of a kind, in batches, with vectors (for rebuilding an index). */
  async *scan(schema: MemorySchema, batchSize: number): AsyncGenerator<MemoryRecord[]> {
    const prefixLength = this.keys.memoryPrefix(schema.kind).length;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.master((redis) =>
        redis.scan(
          cursor,
          'MATCH',
          this.keys.memoryPattern(schema.kind),
          'COUNT',
          batchSize,
          'TYPE',
          'hash',
        ),
      );
      cursor = next;
      if (keys.length === 0) continue;
      const records = await this.get(
        schema,
        keys.map((key) => key.slice(prefixLength)),
        true,
        'master',
      );
      const present = records.filter((r): r is MemoryRecord => r !== null);
      if (present.length > 0) yield present;
    } while (cursor !== '0');
  }

  /** The dataset's id, created on first use (a new or flushed Redis gets a new one). */
  async datasetId(): Promise<string> {
    const key = this.keys.dataset();
    return this.redis.master(async (redis) => {
      await redis.set(key, randomUUID(), 'NX');
      return (await redis.get(key)) ?? '';
    });
  }

  /** The dataset's id as Redis holds it now, without creating one (null: none, e.g. flushed). */
  async currentDatasetId(): Promise<string | null> {
    return this.redis.master((redis) => redis.get(this.keys.dataset()));
  }

  /** Whether each memory's hash exists on the master (one script call). */
  async exist(schema: MemorySchema, ids: readonly string[]): Promise<boolean[]> {
    const keys = ids.map((id) => this.keys.memory(schema.kind, id));
    return this.redis.master((redis) => memoriesExist(redis, keys));
  }

  /** Id of the newest change entry, or `0-0` when the stream is empty or absent. */
  async lastChangeId(): Promise<string> {
    return this.redis.master((redis) => newestStreamId(redis, this.keys.changes()));
  }

  /**
   * Whether every change entry after `position` is still in the stream. Trimming removes the
   * oldest entries first, so it holds while `position` itself is still there (for `0-0`: while
   * nothing was ever trimmed). Trimming does not move XINFO's max-deleted-entry-id, hence this.
   */
  async changesHeldSince(position: string): Promise<boolean> {
    const stream = this.keys.changes();
    return this.redis.master(async (redis) => {
      if (position !== '0-0') {
        return (await redis.xrange(stream, position, position)).length === 1;
      }
      try {
        const info = (await redis.call('XINFO', 'STREAM', stream)) as unknown[];
        const field = (name: string) => Number(info[info.indexOf(name) + 1]);
        return field('entries-added') === field('length');
      } catch (error) {
        if (error instanceof Error && /no such key/i.test(error.message)) return true;
        throw error;
      }
    });
  }

  /**
   * Up to `count` change entries after `afterId`, oldest first, read from the master without
   * blocking ([] when there are none).
   */
  async changesAfter(afterId: string, count: number): Promise<ChangeEntry[]> {
    const items = await this.redis.master((redis) =>
      redis.xrange(this.keys.changes(), `(${afterId}`, '+', 'COUNT', count),
    );
    return items.map(([streamId, flat]) => parseChange(streamId, flat));
  }

  /**
   * Reads change entries after `afterId` on the given (dedicated, blocking) connection, waiting up
   * to `blockMs` for the first one. Returns [] on timeout.
   */
  async readChanges(
    connection: Redis,
    afterId: string,
    blockMs: number,
    count: number,
  ): Promise<ChangeEntry[]> {
    const reply = await connection.xread(
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.keys.changes(),
      afterId,
    );
    if (reply === null) return [];
    const entries: ChangeEntry[] = [];
    for (const [, items] of reply) {
      for (const [streamId, flat] of items) entries.push(parseChange(streamId, flat));
    }
    return entries;
  }
}

/** The replies of a pipeline, or its first error. */
function pipelineReplies(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('pipeline was aborted');
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

function hashFields(schema: MemorySchema, includeVector: boolean): string[] {
  const fields = ['id', ...schema.tagFields, ...schema.numericFields, 'payload'];
  if (schema.outcome !== null) fields.push(VERSIONS_FIELD);
  if (includeVector) fields.push(schema.vectorField);
  return fields;
}

/** The guard confining a write to `owners` (null: unguarded, or a kind without owners). */
function ownerGuard(schema: MemorySchema, owners: readonly string[] | null): OwnerGuard | null {
  return owners === null || schema.ownerField === null
    ? null
    : { field: schema.ownerField, owners };
}

function encodeHash(schema: MemorySchema, record: MemoryRecord): Record<string, string | Buffer> {
  const hash: Record<string, string | Buffer> = { id: record.id };
  for (const field of schema.tagFields) hash[field] = record.tags[field] ?? '';
  for (const field of schema.numericFields) hash[field] = String(record.numbers[field] ?? 0);
  hash[schema.vectorField] = Buffer.from(
    record.vector.buffer,
    record.vector.byteOffset,
    record.vector.byteLength,
  );
  hash.payload = record.payload;
  return hash;
}

function decodeHash(
  schema: MemorySchema,
  id: string,
  fields: readonly string[],
  values: readonly (Buffer | null)[],
): MemoryRecord | null {
  if (values.every((v) => v === null)) return null;
  const record: MemoryRecord = {
    id,
    vector: new Float32Array(0),
    tags: {},
    numbers: {},
    payload: Buffer.alloc(0),
  };
  const tagFields = new Set(schema.tagFields);
  const numericFields = new Set(schema.numericFields);
  fields.forEach((field, i) => {
    const value = values[i];
    if (value === null || value === undefined) return;
    if (field === 'payload') record.payload = value;
    else if (field === schema.vectorField) record.vector = float32FromBytes(value);
    else if (tagFields.has(field)) record.tags[field] = value.toString('utf8');
    else if (numericFields.has(field)) record.numbers[field] = Number(value.toString('latin1'));
    else if (field === VERSIONS_FIELD && schema.outcome !== null) {
      record.versions = parseVersions(schema, schema.outcome, value.toString('utf8'));
    }
  });
  return withKnownAt(schema, record);
}

/** Copies little-endian float32 bytes into an aligned Float32Array. */
export function float32FromBytes(bytes: Buffer): Float32Array {
  const vector = new Float32Array(bytes.length >>> 2);
  new Uint8Array(vector.buffer).set(bytes.subarray(0, vector.length * 4));
  return vector;
}
