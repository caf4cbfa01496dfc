// Raw bytes on the wire on purpose (rawWire.ts): what a hostile client sends is not something
// MnemoClient can send; the memories before and after go through MnemoClient.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { parseSamples, sampleSum, scrape } from '../support/ops.js';
import {
  garbage,
  varint,
  invalidUtf8Request,
  RawClient,
  servedMethods,
  type ServedMethod,
} from '../support/rawWire.js';
import { testClient, startApp, startRedis } from '../support/testApp.js';

/** The bytes of a valid request of `method` (by its own serializer), as numbers. */
function encode(method: ServedMethod, request: object): number[] {
  return [...method.definition.requestSerialize(request)];
}

/** `text` with every `#` replaced by `byte`: a string the serializer cannot make. */
function withByte(bytes: number[], byte: number): Uint8Array {
  return Uint8Array.from(bytes.map((b) => (b === 0x23 ? byte : b)));
}

const methods = servedMethods();
const method = (service: string, name: string): ServedMethod => {
  const found = methods.find((m) => m.service === `mnemo.v1.${service}` && m.name === name);
  if (found === undefined) throw new Error(`no method ${service}.${name}`);
  return found;
};
const upsertEpisodic = method('MemoryService', 'UpsertEpisodic');
const episode = (id: string): object => ({
  id,
  agent_id: 'agent-1',
  state_vector: { values: [1, 0, 0, 0, 0, 0, 0, 0] },
  payload: Buffer.from([0xff, 0xfe, 0x00]),
});

describe('hostile request bytes', () => {
  let redis: RedisProcess;
  let app: App;
  let raw: RawClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis);
    raw = new RawClient(app.port);
  });

  afterAll(async () => {
    raw.close();
    await app.stop();
    await redis.stop();
  });

  it('answers malformed bytes INVALID_ARGUMENT naming the message type, counted in metrics', async () => {
    const search = method('MemoryService', 'SearchEpisodic');
    const labels = { grpc_method: 'SearchEpisodic', grpc_code: 'INVALID_ARGUMENT' };
    const before = sampleSum(
      parseSamples(await scrape(app.metricsPort)),
      'grpc_server_handled_total',
      labels,
    );
    const outcome = await raw.call(search.definition.path, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(outcome).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'request: is not a valid mnemo.v1.SearchEpisodicRequest message',
    });
    const after = sampleSum(
      parseSamples(await scrape(app.metricsPort)),
      'grpc_server_handled_total',
      labels,
    );
    expect(after).toBe(before + 1);
  });

  it('answers reflection requests that do not decode INVALID_ARGUMENT, and serves on', async () => {
    // ServerReflectionRequest field 7 (list_services) as a string: 0x3a, length, bytes.
    const listServices = [0x3a, 0x01, 0x2a];
    for (const version of ['v1', 'v1alpha']) {
      const path = `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`;
      // A length cut short, then a group that never ends.
      expect(await raw.bidi(path, [[0x0a, 0xff]])).toEqual({
        code: status.INVALID_ARGUMENT,
        details: `request: is not a valid request of ${path}`,
      });
      expect((await raw.bidi(path, [[0x0b]])).code).toBe(status.INVALID_ARGUMENT);
      expect((await raw.bidi(path, [listServices, [0xff, 0xff, 0xff]])).code).toBe(
        status.INVALID_ARGUMENT,
      );
      expect((await raw.bidi(path, [listServices])).code).toBe(status.OK);
    }
  });

  it('refuses ids that are not valid UTF-8, so that distinct ones cannot collide', async () => {
    const path = upsertEpisodic.definition.path;
    const bytes = encode(upsertEpisodic, { memories: [episode('good'), episode('bad-#')] });
    for (const byte of [0xff, 0xfe]) {
      expect(await raw.call(path, withByte(bytes, byte))).toEqual({
        code: status.INVALID_ARGUMENT,
        details: 'memories[1].id: is not valid UTF-8',
      });
    }
    const client = testClient(app.port);
    try {
      const { memories } = await client.memory.getEpisodic({ ids: ['good', 'bad-\ufffd'] });
      expect(memories).toEqual([]);
      // Bytes fields are not strings: any bytes are stored as given.
      await client.memory.upsertEpisodic({ memories: [episode('good')] });
      const stored = await client.memory.getEpisodic({ ids: ['good'] });
      expect(stored.memories[0]?.payload).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
    } finally {
      client.close();
    }
  });

  it('names the map entry of a string that is not valid UTF-8', async () => {
    const setHash = method('CacheService', 'SetHash');
    const value = encode(setHash, { key: 'h', fields: { name: 'v#' } });
    expect(await raw.call(setHash.definition.path, withByte(value, 0xc3))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'fields["name"]: is not valid UTF-8',
    });
    const key = encode(setHash, { key: 'h', fields: { 'n#': 'v' } });
    expect(await raw.call(setHash.definition.path, withByte(key, 0x80))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'fields: has a key that is not valid UTF-8',
    });
  });

  it('quotes a huge map key cut short, and serves on over the same connection', async () => {
    // Its whole key in the status (~200 KB of trailers) once left the connection unanswered.
    const setHash = method('CacheService', 'SetHash');
    const bytes = encode(setHash, { key: 'h', fields: { ['y'.repeat(70_000)]: 'v#' } });
    expect(await raw.call(setHash.definition.path, withByte(bytes, 0x80), false, 2_000)).toEqual({
      code: status.INVALID_ARGUMENT,
      details: `fields["${'y'.repeat(64)}…"]: is not valid UTF-8`,
    });
    const valid = encode(setHash, { key: 'h', fields: { name: 'v' } });
    expect(await raw.call(setHash.definition.path, valid, false, 2_000)).toEqual({
      code: status.OK,
      details: '',
    });
  });

  it('checks strings at any depth and in repeated fields', async () => {
    const batch = method('MemoryService', 'BatchSearchEpisodic');
    const vector = { values: [1, 0, 0, 0, 0, 0, 0, 0] };
    const bytes = encode(batch, {
      searches: [
        { vector, k: 1 },
        { vector, k: 1, filter: { agent_ids: ['a', 'b', '#'] } },
      ],
    });
    expect(await raw.call(batch.definition.path, withByte(bytes, 0xff))).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'searches[1].filter.agent_ids[2]: is not valid UTF-8',
    });
  });

  it('accepts unknown fields of every wire type and repeated floats not packed', async () => {
    const search = method('MemoryService', 'SearchEpisodic');
    // vector { values: 1, 0 × 7 } one float at a time (field 1, wire type 5), k = 1.
    const floats = [1, 0, 0, 0, 0, 0, 0, 0].flatMap((x) => [
      0x0d,
      ...new Uint8Array(new Float32Array([x]).buffer),
    ]);
    const known = [0x0a, floats.length, ...floats, 0x10, 0x01];
    const unknown = [
      ...varint(varint([], 99 * 8), 300),
      ...varint([], 100 * 8 + 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...varint([], 101 * 8 + 2),
      2,
      0xff,
      0xfe,
      ...varint([], 102 * 8 + 5),
      1,
      2,
      3,
      4,
    ];
    const outcome = await raw.call(search.definition.path, Uint8Array.from([...known, ...unknown]));
    expect(outcome).toEqual({ code: status.OK, details: '' });
  });

  it('serves the six mnemo services and health', () => {
    const services = new Set(methods.map((m) => m.service));
    expect([...services].sort()).toEqual([
      'grpc.health.v1.Health',
      'mnemo.v1.AuditService',
      'mnemo.v1.CacheService',
      'mnemo.v1.MemoryService',
      'mnemo.v1.RateLimitService',
      'mnemo.v1.SessionService',
      'mnemo.v1.SignalService',
    ]);
  });

  for (const served of methods) {
    const label = `${served.service.split('.').pop() ?? ''}.${served.name}`;
    it(`${label}: INVALID_ARGUMENT for garbage and invalid UTF-8, then serves on`, async () => {
      const stream = served.definition.responseStream;
      for (const [what, bytes] of Object.entries(garbage(served))) {
        const outcome = await raw.call(served.definition.path, Uint8Array.from(bytes), stream);
        expect(outcome.code, what).toBe(status.INVALID_ARGUMENT);
        expect(outcome.details, what).toMatch(/^request: is not a valid [\w.]+ message$/);
      }
      const utf8 = invalidUtf8Request(served);
      // Health's List and GetInfo take requests without a string field.
      if (!['List', 'GetInfo'].includes(served.name)) {
        expect(utf8, 'a string field to spoil').toBeDefined();
      }
      if (utf8 !== undefined) {
        const outcome = await raw.call(served.definition.path, Uint8Array.from(utf8.bytes), stream);
        expect(outcome).toEqual({
          code: status.INVALID_ARGUMENT,
          details: `${utf8.path}: is not valid UTF-8`,
        });
      }
      // A valid call still gets its answer (whatever it is, but not a crash nor a hang).
      const health = methods.find((m) => m.name === 'Check');
      if (health === undefined) throw new Error('no health Check');
      const valid = await raw.call(health.definition.path, encode(health, { service: '' }));
      expect(valid.code).toBe(status.OK);
    });
  }
});
