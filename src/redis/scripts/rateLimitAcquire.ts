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
  /**
   * `bind`: the bucket is bound to the parameters it was created with (stored in its state); a
   * call with others is refused (a `mismatch`) and changes nothing. `own`: the caller (the
   * server) owns the parameters; they replace those stored.
   */
  parameters: 'bind' | 'own';
  /**
   * The state is kept at least this long after the call, in ms, even once the bucket would be
   * full again (0: only until then); with `bind`, so long the binding lasts without calls.
   */
  retainMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Tokens left in the bucket. */
  remaining: number;
  /** 0 when allowed; ms until the tokens are available when denied; -1 = never (no refill). */
  retryAfterMs: number;
}

/** A bucket bound to other parameters than a `bind` call's: nothing was taken nor written. */
export interface RateLimitMismatch {
  /** The first parameter that differs, by its request field's name. */
  field: 'capacity' | 'refill_per_second';
  /** The parameters the bucket is bound to. */
  capacity: number;
  refillPerSecond: number;
}

export type RateLimitAcquireReply =
  | { outcome: 'decided'; decision: RateLimitDecision }
  | { outcome: 'mismatch'; mismatch: RateLimitMismatch };

/**
 * Refills a token bucket by Redis's clock, then takes the tokens or denies, atomically; or, for
 * a `bind` call whose parameters are not the bucket's, does nothing and says which differ.
 */
export async function rateLimitAcquire(
  redis: Redis,
  input: RateLimitAcquireInput,
): Promise<RateLimitAcquireReply> {
  const args = [
    String(input.capacity),
    String(input.refillPerSecond),
    String(input.tokens),
    input.parameters,
    String(input.retainMs),
  ];
  const values = reply.array(await script.run(redis, [input.key], args), 'the reply');
  const [first, second, third, fourth] = values;
  const status = reply.integer(first, 'the outcome');
  if (status === -1) {
    reply.array(values, 'the mismatch reply', 4);
    const field = reply.string(second, 'the field');
    if (field !== 'capacity' && field !== 'refill_per_second') {
      return reply.fail(`the field is "${field}"`);
    }
    return {
      outcome: 'mismatch',
      mismatch: {
        field,
        capacity: reply.numericText(third, 'the capacity stored'),
        refillPerSecond: reply.numericText(fourth, 'the refill stored'),
      },
    };
  }
  reply.array(values, 'the decision reply', 3);
  if (status !== 0 && status !== 1) reply.fail(`the outcome is ${status}`);
  return {
    outcome: 'decided',
    decision: {
      allowed: status === 1,
      remaining: reply.numericText(second, 'the tokens remaining'),
      retryAfterMs: reply.integer(third, 'the retry delay'),
    },
  };
}
