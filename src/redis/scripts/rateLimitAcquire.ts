import type { Redis } from 'ioredis';
import { LuaScript } from './loader.js';
import { ReplyReader } from './reply.js';

const script = new LuaScript('rateLimitAcquire');
const reply = new ReplyReader(script.name);

export interface RateLimitAcquireInput {
  /** The bucket's state (hash). */
  key: string;
  /** Most tokens the bucket holds, > 0. */
  capacity: number;
  /** Tokens added per second, >= 0 (0 = never refills). */
  refillPerSecond: number;
  /** Tokens to take, 0 < tokens <= capacity. */
  tokens: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Tokens left in the bucket. */
  remaining: number;
  /** 0 when allowed; ms until the tokens are available when denied; -1 = never (no refill). */
  retryAfterMs: number;
}

/** Refills a token bucket by Redis's clock, then takes the tokens or denies, atomically. */
export async function rateLimitAcquire(
  redis: Redis,
  input: RateLimitAcquireInput,
): Promise<RateLimitDecision> {
  const args = [String(input.capacity), String(input.refillPerSecond), String(input.tokens)];
  const [allowed, remaining, retryAfterMs] = reply.array(
    await script.run(redis, [input.key], args),
    'the reply',
    3,
  );
  return {
    allowed: reply.integer(allowed, 'allowed') === 1,
    remaining: reply.numericText(remaining, 'the tokens remaining'),
    retryAfterMs: reply.integer(retryAfterMs, 'the retry delay'),
  };
}
