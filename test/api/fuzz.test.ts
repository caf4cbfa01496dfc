// Raw bytes on the wire on purpose (rawWire.ts): random and mutated requests no typed client
// could send; the checks after the fuzzing go through MnemoClient.
import { Client, credentials, status, type ClientOptions } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { healthPackageDefinition } from '../../src/api/health.js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { EMPTY_FILTER } from '../../src/model/MemoryFilter.js';
import { RedisKeys } from '../../src/redis/RedisKeys.js';
import {
  fieldType,
  RawClient,
  requestType,
  servedMethods,
  varint,
  type Descriptor,
  type Field,
  type ServedMethod,
} from '../support/rawWire.js';
import { testClient, startApp, startRedis } from '../support/testApp.js';
import { withAuthorization, writeTokenFile } from '../support/tokenClients.js';

/*
 * A bounded fuzz of every RPC of the mnemo services: valid requests (made from the loaded
 * definitions, so a method added later is fuzzed too), mutated on the wire, and random bytes.
 * MNEMO_FUZZ_SECONDS (default 20), MNEMO_FUZZ_ITERATIONS (default 200000) bound the run;
 * MNEMO_FUZZ_SEED replays one (input i is a function of the seed and i alone).
 */
const SECONDS = Number(process.env.MNEMO_FUZZ_SECONDS ?? 20);
const ITERATIONS = Number(process.env.MNEMO_FUZZ_ITERATIONS ?? 200_000);
const SEED = Number(process.env.MNEMO_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
const WORKERS = Number(process.env.MNEMO_FUZZ_WORKERS ?? 8);
const UNARY_TIMEOUT_MS = 5_000;
const TAIL_TIMEOUT_MS = 200;
/** Past its deadline, a call not answered yet counts as a hang. */
const HANG_GRACE_MS = 3_000;
const DIM = 8;
const PREFIX = 'fuzz:';
const RSS_GROWTH_LIMIT = 300 * 1024 * 1024;
const FORBIDDEN = new Set([status.INTERNAL, status.UNKNOWN, status.UNAVAILABLE]);

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

class Rng {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('pick from nothing');
    return item;
  }
  bytes(n: number): number[] {
    return Array.from({ length: n }, () => this.int(256));
  }
}

/** How values are drawn: plausible ones, special floats and odd vectors, or huge repeats. */
type Mode = 'realistic' | 'special' | 'huge';

const SPECIAL_FLOATS = [
  NaN,
  Infinity,
  -Infinity,
  5e-324,
  -5e-324,
  1e-45,
  1.1754942e-38,
  -0,
  0,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  3.4028235e38,
  1e300,
];
const STRINGS = ['agent-1', 'agent-2', 'BTC-USD', 'bull', 'bear', '', 'x', '0-0', '-', '+', '*'];
/** A byte the strings are marked with, to be replaced by one that is no valid UTF-8. */
const MARK = 0x07;

/** Generates request objects of a method's type from its descriptor. */
class Generator {
  constructor(
    private readonly method: ServedMethod,
    private readonly rng: Rng,
    private readonly mode: Mode,
    private readonly spoilStrings: boolean,
  ) {}

  /** A request holds one huge thing at most (a repeated field or a vector). */
  private hugeLeft = 1;

  private huge(): boolean {
    if (this.mode !== 'huge' || this.hugeLeft === 0 || !this.rng.chance(0.3)) return false;
    this.hugeLeft -= 1;
    return true;
  }

  private resolve(parent: Descriptor, typeName: string): Descriptor | undefined {
    return fieldType(this.method, parent, typeName);
  }

  request(): object {
    return this.message(requestType(this.method), 0);
  }

  private vector(): object {
    const r = this.rng;
    if (r.chance(0.1)) {
      const length = r.chance(0.5) ? DIM * 4 : r.int(64);
      return { f32le: Buffer.from(r.bytes(length)) };
    }
    let values = Array.from({ length: DIM }, () => r.next() * 2 - 1);
    if (this.mode === 'special') {
      const kind = r.int(4);
      if (kind === 0) values = values.map(() => 0);
      else if (kind === 1) values = values.map((v) => (r.chance(0.3) ? r.pick(SPECIAL_FLOATS) : v));
      else if (kind === 2) values = values.map(() => r.pick(SPECIAL_FLOATS));
      else values = values.slice(0, r.int(2 * DIM));
    } else if (this.huge()) {
      values = Array.from({ length: 1 + r.int(200_000) }, () => r.next());
    }
    return { values };
  }

  private message(type: Descriptor, depth: number): object {
    if (type.name === 'Vector') return this.vector();
    const out: Record<string, unknown> = {};
    for (const field of type.field) {
      if (this.rng.chance(0.25)) continue;
      const nested =
        field.type === 'TYPE_MESSAGE' || field.type === 'TYPE_ENUM'
          ? this.resolve(type, field.typeName)
          : undefined;
      if (field.type === 'TYPE_MESSAGE' && nested?.options?.mapEntry === true) {
        const map: Record<string, unknown> = {};
        const [key, value] = nested.field;
        const n = this.count(depth, true);
        for (let i = 0; i < n && key !== undefined && value !== undefined; i += 1) {
          map[String(this.scalar(key, undefined, depth))] = this.scalar(value, undefined, depth);
        }
        out[field.name] = map;
      } else if (field.label === 'LABEL_REPEATED') {
        const n = this.count(depth, field.type !== 'TYPE_MESSAGE');
        out[field.name] = Array.from({ length: n }, () => this.scalar(field, nested, depth));
      } else {
        out[field.name] = this.scalar(field, nested, depth);
      }
    }
    return out;
  }

  private count(depth: number, scalar: boolean): number {
    if (depth <= 1 && this.huge()) {
      return 1 + this.rng.int(scalar ? 20_000 : 500);
    }
    return this.rng.int(4);
  }

  private scalar(field: Field, nested: Descriptor | undefined, depth: number): unknown {
    const r = this.rng;
    const special = this.mode === 'special' && r.chance(0.5);
    switch (field.type) {
      case 'TYPE_MESSAGE':
        return nested === undefined || depth > 6 ? {} : this.message(nested, depth + 1);
      case 'TYPE_ENUM': {
        const values = nested?.value ?? [];
        return r.chance(0.1) || values.length === 0 ? r.int(100) : r.pick(values).name;
      }
      case 'TYPE_STRING': {
        let text = /(^|_)ids?$/.test(field.name) ? `fz-${r.int(32)}` : r.pick(STRINGS);
        if (this.mode !== 'huge' && r.chance(0.02)) text = 'y'.repeat(r.int(70_000));
        if (this.spoilStrings && r.chance(0.5)) text += String.fromCharCode(MARK);
        return text;
      }
      case 'TYPE_BYTES':
        return Buffer.from(r.bytes(r.int(40)));
      case 'TYPE_BOOL':
        return r.chance(0.5);
      case 'TYPE_DOUBLE':
      case 'TYPE_FLOAT':
        return special ? r.pick(SPECIAL_FLOATS) : r.next() * 200 - 100;
      case 'TYPE_UINT32':
      case 'TYPE_FIXED32':
        return special ? r.pick([0, 2 ** 32 - 1, 2 ** 31]) : r.int(r.chance(0.9) ? 20 : 2 ** 32);
      case 'TYPE_INT32':
      case 'TYPE_SINT32':
      case 'TYPE_SFIXED32':
        return special ? r.pick([-(2 ** 31), 2 ** 31 - 1, -1]) : r.int(2000) - 1000;
      default:
        // 64-bit integers (longs: Number).
        return special
          ? r.pick([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -1, 0])
          : r.int(120_000) - 1000;
    }
  }
}

interface Tag {
  /** Offset of the tag's varint. */
  at: number;
  wireType: number;
  /** Offset of the length varint (wire type 2), and its end. */
  lengthAt?: number;
  valueAt?: number;
}

/** The top-level tags of a valid message (best effort: stops at the first surprise). */
function tagsOf(bytes: readonly number[]): Tag[] {
  const tags: Tag[] = [];
  let pos = 0;
  const read = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error('cut');
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return value;
    }
  };
  try {
    while (pos < bytes.length) {
      const at = pos;
      const tag = read();
      const wireType = tag % 8;
      if (wireType === 0) read();
      else if (wireType === 1) pos += 8;
      else if (wireType === 5) pos += 4;
      else if (wireType === 2) {
        const lengthAt = pos;
        const length = read();
        tags.push({ at, wireType, lengthAt, valueAt: pos });
        pos += length;
        continue;
      } else break;
      tags.push({ at, wireType });
    }
  } catch {
    // A cut message: the tags found so far.
  }
  return tags;
}

/** `depth` length-delimited fields numbered `number`, each holding the next (innermost empty). */
function nestedDelimited(number: number, depth: number): Uint8Array {
  const tag = varint([], number * 8 + 2);
  const lengths = [0];
  for (let k = 1; k < depth; k += 1) {
    const inner = lengths[k - 1] ?? 0;
    lengths.push(inner + tag.length + varint([], inner).length);
  }
  const out: number[] = [];
  for (let k = depth - 1; k >= 0; k -= 1) out.push(...tag, ...varint([], lengths[k] ?? 0));
  return Uint8Array.from(out);
}

/** `depth` groups numbered `number`, opened then closed. */
function nestedGroups(number: number, depth: number, close: boolean): Uint8Array {
  const start = varint([], number * 8 + 3);
  const end = varint([], number * 8 + 4);
  const out: number[] = [];
  for (let k = 0; k < depth; k += 1) out.push(...start);
  if (close) for (let k = 0; k < depth; k += 1) out.push(...end);
  return Uint8Array.from(out);
}

interface Input {
  mutation: string;
  bytes: Uint8Array;
}

/** Input `i` of the run: a function of the seed and `i` alone. */
function makeInput(method: ServedMethod, seed: number, i: number): Input {
  const rng = new Rng(prng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0));
  const mode: Mode = rng.pick(['realistic', 'realistic', 'special', 'huge']);
  const spoil = rng.chance(0.15);
  const serialize = (m: Mode): number[] => {
    const request = new Generator(method, rng, m, spoil).request();
    const bytes = [...method.definition.requestSerialize(request)];
    return spoil
      ? bytes.map((b) => (b === MARK ? rng.pick([0xff, 0xfe, 0xc3, 0x80, 0xed]) : b))
      : bytes;
  };
  const kind = rng.int(12);
  if (kind === 0) return { mutation: 'random', bytes: Uint8Array.from(rng.bytes(rng.int(600))) };
  if (kind === 1) {
    const number = rng.chance(0.7) ? 1 + rng.int(8) : 1 + rng.int(2 ** 20);
    const depth = 1 + rng.int(30_000);
    const bytes = rng.chance(0.5)
      ? nestedDelimited(number, depth)
      : nestedGroups(number, depth, rng.chance(0.7));
    return { mutation: `nesting ${depth}`, bytes };
  }
  let valid = serialize(kind <= 3 ? 'realistic' : mode);
  // Huge, but well within the 32 MiB message limit and the run's time.
  if (valid.length > 4 * 1024 * 1024) valid = serialize('realistic');
  if (kind <= 3) return { mutation: 'valid realistic', bytes: Uint8Array.from(valid) };
  if (kind <= 5) return { mutation: `valid ${mode}`, bytes: Uint8Array.from(valid) };
  const bytes = [...valid];
  const tags = tagsOf(bytes);
  switch (kind) {
    case 6:
      return {
        mutation: 'truncated',
        bytes: Uint8Array.from(bytes.slice(0, rng.int(bytes.length + 1))),
      };
    case 7: {
      const flips = 1 + rng.int(8);
      for (let k = 0; k < flips && bytes.length > 0; k += 1) {
        const at = rng.int(bytes.length);
        bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(8));
      }
      return { mutation: 'bit flips', bytes: Uint8Array.from(bytes) };
    }
    case 8: {
      const inserts = 1 + rng.int(4);
      for (let k = 0; k < inserts; k += 1) {
        bytes.splice(rng.int(bytes.length + 1), 0, ...rng.bytes(1 + rng.int(8)));
      }
      return { mutation: 'insertions', bytes: Uint8Array.from(bytes) };
    }
    case 9: {
      const delimited = tags.filter((t) => t.lengthAt !== undefined);
      const huge = rng.pick([
        [0xff, 0xff, 0xff, 0xff, 0x0f],
        [0xff, 0xff, 0xff, 0xff, 0x07],
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
        varint([], 32 * 1024 * 1024),
      ]);
      if (delimited.length === 0 || rng.chance(0.2)) {
        return { mutation: 'huge length', bytes: Uint8Array.from([0x0a, ...huge, ...bytes]) };
      }
      const tag = rng.pick(delimited);
      const length = (tag.valueAt ?? 0) - (tag.lengthAt ?? 0);
      bytes.splice(tag.lengthAt ?? 0, length, ...huge);
      return { mutation: 'huge length', bytes: Uint8Array.from(bytes) };
    }
    case 10: {
      const tag = tags.length > 0 ? rng.pick(tags) : undefined;
      if (tag === undefined) return { mutation: 'wrong wire type', bytes: Uint8Array.from([0x0f]) };
      const first = bytes[tag.at] ?? 0;
      let wireType = rng.int(8);
      if (wireType === tag.wireType) wireType = (wireType + 1) % 8;
      bytes[tag.at] = (first & ~7) | wireType;
      return { mutation: 'wrong wire type', bytes: Uint8Array.from(bytes) };
    }
    default: {
      // A valid message with a field deeply nested inside (an unknown or a known number).
      const number = rng.chance(0.5) ? 1 : 1 + rng.int(20);
      const depth = 1 + rng.int(10_000);
      const inner = nestedDelimited(number, depth);
      const wrapped = [...varint(varint([], number * 8 + 2), inner.length), ...inner];
      bytes.splice(tags.length > 0 ? (rng.pick(tags).at ?? 0) : 0, 0, ...wrapped);
      return { mutation: `nested field ${depth}`, bytes: Uint8Array.from(bytes) };
    }
  }
}

const code = (c: number): string => status[c] ?? `code ${c}`;

/** A unary call with the definition's own (de)serializers. */
function typedCall(
  client: Client,
  method: ServedMethod,
  request: object,
): Promise<Record<string, unknown>> {
  const d = method.definition;
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      d.path,
      d.requestSerialize,
      d.responseDeserialize,
      request,
      { deadline: Date.now() + 5_000 },
      (error, response) => {
        if (error !== null || response === undefined) reject(error ?? new Error('no response'));
        else resolve(response as Record<string, unknown>);
      },
    );
  });
}

/**
 * Without tokens, and as an agent token of two of the agents the generator names (so that its
 * calls take the confined paths, allowed and denied), with an admin token for the checks after.
 */
const RUNS = [
  { as: 'without tokens', seconds: SECONDS, tokens: false },
  { as: 'as an agent token', seconds: Math.min(SECONDS, 10), tokens: true },
] as const;

describe.each(RUNS)('fuzzing every RPC $as', ({ seconds: SECONDS, tokens }) => {
  let redis: RedisProcess;
  let app: App;
  let raw: RawClient;
  let adminToken: string | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    const file = writeTokenFile([
      { name: 'fuzz', role: 'agent', agentIds: ['agent-1', 'agent-2'] },
      { name: 'admin', role: 'admin' },
    ]);
    const auth: Record<string, string> = tokens ? { MNEMO_AUTH_TOKENS_FILE: file.path } : {};
    app = await startApp(redis, { MNEMO_KEY_PREFIX: PREFIX, ...auth });
    const as = (name: string): ClientOptions =>
      tokens ? { interceptors: [withAuthorization(`Bearer ${file.secrets[name] ?? ''}`)] } : {};
    raw = new RawClient(app.port, as('fuzz'));
    adminToken = tokens ? (file.secrets.admin ?? '') : undefined;
  });

  afterAll(async () => {
    raw.close();
    await app.stop();
    await redis.stop();
  });

  it(
    'answers random and mutated requests with a status, never INTERNAL/UNKNOWN, and serves on',
    async () => {
      const methods = servedMethods([mnemoPackageDefinition()]).filter(
        (m) => !m.definition.requestStream,
      );
      const unary = methods.filter((m) => !m.definition.responseStream);
      const streams = methods.filter((m) => m.definition.responseStream);
      expect([...new Set(methods.map((m) => m.service))].sort()).toEqual([
        'mnemo.v1.AuditService',
        'mnemo.v1.CacheService',
        'mnemo.v1.MemoryService',
        'mnemo.v1.RateLimitService',
        'mnemo.v1.SessionService',
        'mnemo.v1.SignalService',
      ]);
      expect(streams.map((m) => m.name)).toContain('Tail');
      console.log(`fuzz: seed ${SEED} (replay with MNEMO_FUZZ_SEED=${SEED}), ${SECONDS} s`);

      const counts = new Map<string, number>();
      const perMethod = new Map<string, number>();
      const failures: string[] = [];
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const end = Date.now() + SECONDS * 1000;
      let next = 0;

      const one = async (i: number): Promise<void> => {
        const methodRng = new Rng(prng((SEED ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0));
        // Server streams wait out their deadline; they get a smaller share.
        const method =
          methodRng.chance(0.04) && streams.length > 0
            ? methodRng.pick(streams)
            : methodRng.pick(unary);
        const input = makeInput(method, SEED, i);
        const stream = method.definition.responseStream;
        const timeout = stream ? TAIL_TIMEOUT_MS : UNARY_TIMEOUT_MS;
        let timer: NodeJS.Timeout | undefined;
        const hang = new Promise<'hang'>((resolve) => {
          timer = setTimeout(() => {
            resolve('hang');
          }, timeout + HANG_GRACE_MS);
        });
        const outcome = await Promise.race([
          raw.call(method.definition.path, input.bytes, stream, timeout),
          hang,
        ]);
        clearTimeout(timer);
        const label = outcome === 'hang' ? 'HANG' : code(outcome.code);
        counts.set(label, (counts.get(label) ?? 0) + 1);
        perMethod.set(method.name, (perMethod.get(method.name) ?? 0) + 1);
        // A unary call past its deadline is a hang too (the server did not answer in time).
        const late = !stream && outcome !== 'hang' && outcome.code === status.DEADLINE_EXCEEDED;
        if (outcome === 'hang' || late || FORBIDDEN.has(outcome.code)) {
          const details = outcome === 'hang' ? '' : outcome.details;
          failures.push(
            `#${i} ${method.service}.${method.name} ${input.mutation} (${input.bytes.length} B): ` +
              `${label} ${details} first bytes ${Buffer.from(input.bytes.subarray(0, 48)).toString('hex')}`,
          );
        }
      };

      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (Date.now() < end && next < ITERATIONS && failures.length < 20) {
            const i = next;
            next += 1;
            await one(i);
            rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
          }
        }),
      );
      const rssAfter = process.memoryUsage().rss;
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const table = [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `  ${k.padEnd(20)} ${v}`)
        .join('\n');
      const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;
      console.log(
        `fuzz: seed ${SEED}: ${total} calls over ${unary.length} unary methods + ${streams.length} ` +
          `stream(s); by status:\n${table}\n` +
          `fuzz: RSS before ${mb(rssBefore)}, peak ${mb(rssPeak)}, after ${mb(rssAfter)}`,
      );

      expect(failures, `seed ${SEED}`).toEqual([]);
      for (const m of [...unary, ...streams]) {
        expect(perMethod.get(m.name) ?? 0, `${m.name} fuzzed`).toBeGreaterThan(0);
      }
      expect(rssAfter - rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);

      // Serves on: health SERVING, a valid write then search.
      const client = new Client(`127.0.0.1:${app.port}`, credentials.createInsecure());
      try {
        const check = servedMethods([healthPackageDefinition()]).find((m) => m.name === 'Check');
        if (check === undefined) throw new Error('no health Check');
        expect(await typedCall(client, check, { service: '' })).toEqual({ status: 'SERVING' });
      } finally {
        client.close();
      }
      const memory = testClient(app.port, adminToken === undefined ? {} : { token: adminToken });
      try {
        const probe = { values: [0, 0, 0, 0, 0, 0, 0.5, 1] };
        await memory.memory.upsertEpisodic({
          memories: [{ id: 'after-fuzz', agent_id: 'probe-agent', state_vector: probe }],
        });
        const { hits } = await memory.memory.searchEpisodic({
          vector: probe,
          k: 1,
          filter: { agent_ids: ['probe-agent'] },
        });
        expect(hits.map((h) => h.memory?.id)).toEqual(['after-fuzz']);

        // Nothing half-written: Redis, the index and GetEpisodic agree on every memory.
        const keys = new RedisKeys(PREFIX);
        const direct = new Redis(redis.url);
        try {
          for (const kind of ['episodic', 'semantic'] as const) {
            const stored: string[] = [];
            const stream = direct.scanStream({ match: keys.memoryPattern(kind), count: 1000 });
            for await (const batch of stream) {
              for (const key of batch as string[])
                stored.push(key.slice(keys.memoryPrefix(kind).length));
            }
            stored.sort();
            await vi.waitFor(() => {
              const indexed = app.indexes.get(kind).matchingIds(EMPTY_FILTER).sort();
              expect(indexed, kind).toEqual(stored);
            });
            const got =
              kind === 'episodic'
                ? (await memory.memory.getEpisodic({ ids: stored })).memories
                : (await memory.memory.getSemantic({ ids: stored })).memories;
            expect(got.map((m) => m.id).sort(), kind).toEqual(stored);
            console.log(`fuzz: ${stored.length} ${kind} memories in Redis and the index`);
          }
        } finally {
          direct.disconnect();
        }
      } finally {
        memory.close();
      }
    },
    SECONDS * 1000 + 35_000,
  );
});
