import type { ChainableCommander, Redis } from 'ioredis';
import { metrics } from '../../metrics/metrics.js';
import { DomainError, quote } from '../../model/errors.js';
import type { RedisAccess } from '../../redis/RedisAccess.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { cacheIncrementBy } from '../../redis/scripts/cacheIncrementBy.js';
import { cacheSetHash } from '../../redis/scripts/cacheSetHash.js';

/** A cached value: `ttlMs` is -1 when it has no expiry (or was not found). */
export interface CachedValue {
  found: boolean;
  value: Buffer;
  ttlMs: number;
}

/** A cached hash, or the named fields of it that exist. */
export interface CachedHash {
  found: boolean;
  fields: Record<string, string>;
  ttlMs: number;
}

/**
 * A TTL cache over Redis for agents' live data. Every key is confined to its namespace's
 * `cache:` (RedisKeys.cache: the caller's key is only ever a suffix of it), so nothing else in
 * Redis is reachable. Inputs are
 * validated by the transport codec.
 *
 * Every call goes through the router: writes as replicated writes, reads on the master (a caller
 * must see its own latest write, which a lagging replica may not have yet).
 */
export class CacheService {
  constructor(
    private readonly redis: RedisAccess,
    private readonly keys: RedisKeys,
  ) {}

  /** The same service over the keys of one token namespace ('' = the shared one). */
  in(namespace: string): CacheService {
    return namespace === this.keys.namespace
      ? this
      : new CacheService(this.redis, this.keys.inNamespace(namespace));
  }

  async get(key: string): Promise<CachedValue> {
    const redisKey = this.keys.cache(key);
    const [value, pttl] = await this.exec<[Buffer | null, number]>(key, (redis) =>
      redis.multi().getBuffer(redisKey).pttl(redisKey),
    );
    if (value === null) {
      metrics.cacheMisses.inc({ cache: 'kv' });
      return { found: false, value: Buffer.alloc(0), ttlMs: -1 };
    }
    metrics.cacheHits.inc({ cache: 'kv' });
    return { found: true, value, ttlMs: ttlOf(pttl) };
  }

  /** Writes a value; `ttlMs` 0 = no expiry. Returns false when `onlyIfAbsent` found the key. */
  async set(key: string, value: Buffer, ttlMs: number, onlyIfAbsent: boolean): Promise<boolean> {
    const args: (string | number | Buffer)[] = [this.keys.cache(key), value];
    if (ttlMs > 0) args.push('PX', ttlMs);
    if (onlyIfAbsent) args.push('NX');
    const reply = await this.redis.replicatedWrite((redis) => redis.call('SET', ...args));
    return reply === 'OK';
  }

  async delete(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const redisKeys = keys.map((k) => this.keys.cache(k));
    return this.redis.replicatedWrite((redis) => redis.del(...redisKeys));
  }

  /** Reads the named fields of a hash, or all of them when none is named. */
  async getHash(key: string, fields: readonly string[]): Promise<CachedHash> {
    const redisKey = this.keys.cache(key);
    const [values, pttl] = await this.exec<[Record<string, string> | (string | null)[], number]>(
      key,
      (redis) => {
        const tx = redis.multi();
        if (fields.length === 0) tx.hgetall(redisKey);
        else tx.hmget(redisKey, ...fields);
        return tx.pttl(redisKey);
      },
    );
    if (pttl === -2) {
      metrics.cacheMisses.inc({ cache: 'kv' });
      return { found: false, fields: {}, ttlMs: -1 };
    }
    metrics.cacheHits.inc({ cache: 'kv' });
    let found: Record<string, string>;
    if (Array.isArray(values)) {
      // fromEntries defines own properties: a field named `__proto__` is a field like any other.
      found = Object.fromEntries(
        fields.flatMap((field, i) => {
          const value = values[i];
          return value === null || value === undefined ? [] : [[field, value]];
        }),
      );
    } else {
      found = values;
    }
    return { found: true, fields: found, ttlMs: ttlOf(pttl) };
  }

  /** Writes fields of a hash; `ttlMs` > 0 sets its expiry, 0 keeps the current one. */
  async setHash(
    key: string,
    fields: Readonly<Record<string, string>>,
    ttlMs: number,
  ): Promise<void> {
    await this.run(key, () =>
      this.redis.replicatedWrite((redis) =>
        cacheSetHash(redis, { key: this.keys.cache(key), fields, ttlMs }),
      ),
    );
  }

  /** Adds `delta` to a hash field atomically; `ttlMs` > 0 sets the hash's expiry. */
  async incrementBy(key: string, field: string, delta: number, ttlMs: number): Promise<number> {
    return this.run(key, () =>
      this.redis.replicatedWrite((redis) =>
        cacheIncrementBy(redis, { key: this.keys.cache(key), field, delta, ttlMs }),
      ),
    );
  }

  /**
   * Runs a MULTI built by `build` on the master and returns its replies. A failed reply is thrown
   * inside the operation, so that the router sees a failed transaction (and its breaker counts a
   * connection failure; a reply error such as WRONGTYPE is an outcome, not an outage).
   */
  private async exec<T extends unknown[]>(
    key: string,
    build: (redis: Redis) => ChainableCommander,
  ): Promise<T> {
    return this.run(key, () =>
      this.redis.master(async (redis) => {
        const results = await build(redis).exec();
        if (results === null) throw new Error('cache transaction was aborted');
        return results.map(([error, value]) => {
          if (error) throw error;
          return value;
        }) as T;
      }),
    );
  }

  /** Runs a routed call, turning the refusals a caller can cause into domain errors. */
  private async run<T>(key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translate(key, error);
    }
  }
}

function ttlOf(pttl: number): number {
  return pttl < 0 ? -1 : pttl;
}

/** Redis refusals a caller can cause become domain errors; anything else stays internal. */
function translate(key: string, error: unknown): unknown {
  // Domain errors (the router's 'unavailable' among them) pass through unchanged.
  if (!(error instanceof Error) || error instanceof DomainError) return error;
  if (error.message.includes('WRONGTYPE')) {
    return new DomainError(
      'failed_precondition',
      `key: ${quote(key)} holds another kind of entry (a value where a hash is expected, or the reverse)`,
    );
  }
  if (error.message.includes('mnemo: the result would not be finite')) {
    return new DomainError(
      'failed_precondition',
      `delta: added to the field of ${quote(key)} it would make a number that is not finite; ` +
        'nothing was stored',
    );
  }
  if (/not a (valid )?float|NaN or Infinity/i.test(error.message)) {
    return new DomainError(
      'failed_precondition',
      `field: the field of ${quote(key)} does not hold a number, or the result would not be finite`,
    );
  }
  return error;
}
