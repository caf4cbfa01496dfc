/**
 * The RediSearch (Redis Query Engine) side of `--compare redisearch`: the design's FT.CREATE
 * schema over mnemo's hash layout, FT.SEARCH KNN hybrid queries with the same filters, from the
 * harness process through ioredis.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { NumericRange } from '../../src/generated/mnemo/v1/NumericRange.js';
import type { Searcher } from './sweep.js';

export const INDEX_NAME = 'episodic_memory_idx';

/** Fields FT.SEARCH returns: those of a mnemo hit (the memory without its vector) + distance. */
const RETURN_FIELDS = [
  'id',
  'agent_id',
  'product_id',
  'regime',
  'reward',
  'timestamp',
  'terminal',
  'payload',
  'dist',
];

/**
 * FT.CREATE arguments of the design's schema. In RediSearch 2.6 the number after HNSW counts
 * the attribute tokens that follow (TYPE FLOAT32 DIM d DISTANCE_METRIC COSINE M 16
 * EF_CONSTRUCTION 200 = 10).
 */
export function createIndexArgs(prefix: string, dim: number): string[] {
  return [
    INDEX_NAME,
    'ON',
    'HASH',
    'PREFIX',
    '1',
    `${prefix}episodic:`,
    'SCHEMA',
    'state_vector',
    'VECTOR',
    'HNSW',
    '10',
    'TYPE',
    'FLOAT32',
    'DIM',
    String(dim),
    'DISTANCE_METRIC',
    'COSINE',
    'M',
    '16',
    'EF_CONSTRUCTION',
    '200',
    'agent_id',
    'TAG',
    'product_id',
    'TAG',
    'regime',
    'TAG',
    'reward',
    'NUMERIC',
    'timestamp',
    'NUMERIC',
    'terminal',
    'TAG',
  ];
}

/** Escapes a TAG value for the query syntax (every punctuation and space character). */
export function escapeTag(value: string): string {
  return value.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, (c) => `\\${c}`);
}

function numeric(field: string, range: NumericRange | null | undefined): string | null {
  if (range === null || range === undefined) return null;
  if (range.min === undefined && range.max === undefined) return null;
  const lo =
    range.min === undefined || range.min === null
      ? '-inf'
      : `${range.min_exclusive === true ? '(' : ''}${range.min}`;
  const hi =
    range.max === undefined || range.max === null
      ? '+inf'
      : `${range.max_exclusive === true ? '(' : ''}${range.max}`;
  return `@${field}:[${lo} ${hi}]`;
}

function tags(field: string, values: readonly string[] | undefined): string | null {
  if (values === undefined || values.length === 0) return null;
  return `@${field}:{${values.map(escapeTag).join(' | ')}}`;
}

/** The filter part of the query: clauses AND-ed, values of one field OR-ed, `*` when empty. */
export function filterQuery(filter: EpisodicFilter): string {
  const clauses = [
    tags('agent_id', filter.agent_ids),
    tags('product_id', filter.product_ids),
    tags('regime', filter.regimes),
    numeric('reward', filter.reward),
    numeric('timestamp', filter.timestamp),
    filter.terminal === undefined || filter.terminal === null
      ? null
      : tags('terminal', [filter.terminal ? 'true' : 'false']),
  ].filter((c): c is string => c !== null);
  return clauses.length === 0 ? '*' : `(${clauses.join(' ')})`;
}

/** `(@agent_id:{…} @reward:[0 +inf])=>[KNN k @state_vector $BLOB EF_RUNTIME $EF AS dist]`. */
export function knnQuery(filter: EpisodicFilter, k: number): string {
  return `${filterQuery(filter)}=>[KNN ${k} @state_vector $BLOB EF_RUNTIME $EF AS dist]`;
}

/** A Redis with the Query Engine, holding the benchmark data under `prefix`. */
export class RedisearchTarget {
  readonly redis: Redis;
  /** The connections the searcher's calls go round (the first is `redis`). */
  private readonly searchClients: Redis[];

  constructor(
    readonly url: string,
    /** Key prefix before `episodic:` (mnemo's MNEMO_KEY_PREFIX when sharing its Redis). */
    readonly prefix: string,
    readonly dim: number,
  ) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
    this.searchClients = [this.redis];
  }

  /** Connects, and opens `searchConnections` − 1 more connections for the searcher's calls. */
  async connect(searchConnections = 1): Promise<void> {
    await this.redis.connect();
    while (this.searchClients.length < searchConnections) {
      const client = this.redis.duplicate({ lazyConnect: true });
      client.on('error', () => undefined);
      this.searchClients.push(client);
      await client.connect();
    }
  }

  /** The search module's version (MODULE LIST), or null when no Query Engine is loaded. */
  async moduleVersion(): Promise<string | null> {
    const modules = (await this.redis.call('MODULE', 'LIST')) as unknown[][];
    for (const entry of modules) {
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < entry.length; i += 2) fields.set(String(entry[i]), entry[i + 1]);
      const name = String(fields.get('name'));
      if (name === 'search' || name === 'ft') {
        const v = Number(fields.get('ver'));
        return `${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100} (module ver ${v})`;
      }
    }
    return null;
  }

  async dropIndex(deleteDocuments: boolean): Promise<void> {
    try {
      await this.redis.call('FT.DROPINDEX', INDEX_NAME, ...(deleteDocuments ? ['DD'] : []));
    } catch (error) {
      if (!(error instanceof Error) || !/unknown index name|no such index/i.test(error.message))
        throw error;
    }
  }

  async createIndex(): Promise<void> {
    await this.redis.call('FT.CREATE', ...createIndexArgs(this.prefix, this.dim));
  }

  /** Writes memories as mnemo does (one hash each, the same fields), in one pipeline. */
  async write(memories: readonly EpisodicMemory[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const m of memories) {
      pipeline.hset(`${this.prefix}episodic:${m.id ?? ''}`, {
        id: m.id ?? '',
        agent_id: m.agent_id ?? '',
        product_id: m.product_id ?? '',
        regime: m.regime ?? '',
        terminal: m.terminal === true ? 'true' : 'false',
        reward: String(m.reward ?? 0),
        timestamp: String(m.timestamp ?? 0),
        state_vector: Buffer.from(m.state_vector?.f32le ?? Buffer.alloc(0)),
        payload: Buffer.from(m.payload ?? Buffer.alloc(0)),
      });
    }
    const results = await pipeline.exec();
    for (const [error] of results ?? []) if (error) throw error;
  }

  /** FT.INFO as a flat map (numbers and strings only). */
  async info(): Promise<Map<string, string>> {
    const reply = (await this.redis.call('FT.INFO', INDEX_NAME)) as unknown[];
    const info = new Map<string, string>();
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const value = reply[i + 1];
      if (typeof value === 'string' || typeof value === 'number')
        info.set(String(reply[i]), String(value));
    }
    return info;
  }

  /** Waits until background indexing is done and `documents` are indexed; returns the wait in ms. */
  async waitIndexed(documents: number, timeoutMs: number): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.info();
      const indexing = info.get('indexing') ?? '0';
      const docs = Number(info.get('num_docs') ?? 0);
      if (indexing === '0' && docs >= documents) return performance.now() - started;
      if (Date.now() > deadline) {
        throw new Error(`RediSearch indexed ${docs} of ${documents} documents in ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close(): Promise<void> {
    const clients = this.searchClients.splice(1);
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
    await this.redis.quit().catch(() => undefined);
  }

  /**
   * FT.SEARCH KNN within the filter, DIALECT 2, the same fields as a mnemo hit, sorted by
   * distance. `exact` is not offered (the truth comes from mnemo's brute force on the same data).
   * `cpuSeconds` reads the CPU of the redis-server answering (its /proc), when known. Calls go
   * round the connections connect() opened.
   */
  searcher(cpuSeconds?: () => number | null): Searcher {
    let calls = 0;
    return {
      name: 'redisearch',
      ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
      search: async (query, filter, k, ef) => {
        const args: (string | Buffer)[] = [
          INDEX_NAME,
          knnQuery(filter, k),
          'PARAMS',
          '4',
          'BLOB',
          query,
          'EF',
          String(ef > 0 ? ef : 10),
          'SORTBY',
          'dist',
          'RETURN',
          String(RETURN_FIELDS.length),
          ...RETURN_FIELDS,
          'LIMIT',
          '0',
          String(k),
          'DIALECT',
          '2',
        ];
        const client = this.searchClients[calls++ % this.searchClients.length] ?? this.redis;
        const reply = (await client.call('FT.SEARCH', ...args)) as unknown[];
        const ids: string[] = [];
        for (let i = 1; i + 1 < reply.length; i += 2) {
          const fields = reply[i + 1] as unknown[];
          const at = fields.indexOf('id');
          const key = String(reply[i]);
          ids.push(at >= 0 ? String(fields[at + 1]) : key.slice(`${this.prefix}episodic:`.length));
        }
        return ids;
      },
    };
  }
}
