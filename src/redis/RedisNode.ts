import type { Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import { DomainError } from '../model/errors.js';
import { ScriptReplyError } from './scripts/reply.js';

type Operation = (redis: Redis) => Promise<unknown>;

/** Redis answered with an error (the node is up): not an outage. */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/** Errors that say nothing about a node's health: the node answered. */
export function isOutcome(error: unknown): error is Error {
  return error instanceof DomainError || error instanceof ScriptReplyError || isReplyError(error);
}

export interface BreakerOptions {
  /** Breaker: failures counted over this window… */
  breakerWindowMs: number;
  /** …open it past this percentage, once at least `breakerMinRequests` were made… */
  breakerErrorPercent: number;
  breakerMinRequests: number;
  /** …and let one probe through after this long open. */
  breakerResetMs: number;
  /** An operation taking longer than this counts as failed. */
  operationTimeoutMs: number;
}

/** What the router knows of one node (exposed for health, metrics and tests). */
export interface NodeState {
  readonly name: string;
  readonly role: 'master' | 'replica';
  readonly breaker: 'closed' | 'half_open' | 'open';
  /** Replicas: link to the master up and lag within bounds. */
  readonly inRotation: boolean;
  readonly lagMs: number;
}

/**
 * One Redis node as the router sees it: its client behind a circuit breaker (state exported as
 * mnemo_breaker_state), its share of mnemo_redis_reads_total, and, for a replica, its replication
 * state as last polled.
 */
export class RedisNode {
  readonly breaker: CircuitBreaker<[Operation]>;
  /** This node's series of mnemo_redis_reads_total, resolved once (it is counted per call). */
  readonly calls: { inc(): void };
  /** Replicas: whether the link to the master was up at the last poll. */
  linkUp = false;
  /** Replicas: how far behind the master, in ms (infinite until known). */
  lagMs = Number.POSITIVE_INFINITY;
  replicaOffset = 0;

  /** `onBreakerChange` is called after each transition of the breaker. */
  constructor(
    readonly name: string,
    readonly role: 'master' | 'replica',
    readonly client: Redis,
    options: BreakerOptions,
    log: Logger,
    onBreakerChange: () => void,
  ) {
    this.calls = metrics.replicaReads.labels({ node: name, role });
    this.breaker = new CircuitBreaker((operation: Operation) => operation(client), {
      timeout: options.operationTimeoutMs,
      resetTimeout: options.breakerResetMs,
      errorThresholdPercentage: options.breakerErrorPercent,
      volumeThreshold: options.breakerMinRequests,
      rollingCountTimeout: options.breakerWindowMs,
      // The node answered: a reply error or a domain outcome is not an outage.
      errorFilter: isOutcome,
    });
    const gauge = metrics.breakerState.labels({ node: name });
    gauge.set(0);
    this.breaker.on('open', () => {
      gauge.set(2);
      log.warn({ node: name, role }, 'circuit breaker opened');
      onBreakerChange();
    });
    this.breaker.on('halfOpen', () => {
      gauge.set(1);
      onBreakerChange();
    });
    this.breaker.on('close', () => {
      gauge.set(0);
      log.info({ node: name, role }, 'circuit breaker closed');
      onBreakerChange();
    });
  }

  get state(): NodeState['breaker'] {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /** Whether the breaker lets calls through (closed, or half open for a trial call). */
  get available(): boolean {
    return !this.breaker.opened;
  }

  /** Runs an operation through the breaker; failures come back as they are. */
  run<T>(operation: (redis: Redis) => Promise<T>): Promise<T> {
    return this.breaker.fire(operation) as Promise<T>;
  }
}
