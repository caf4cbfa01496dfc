import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import { DomainError, unavailable } from '../model/errors.js';
import type { RedisAccess } from './RedisAccess.js';
import { ScriptReplyError } from './scripts/reply.js';

type Operation = (redis: Redis) => Promise<unknown>;

/** Redis answered with an error (the node is up): not an outage. */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/** Errors that say nothing about a node's health. */
function isOutcome(error: unknown): error is Error {
  return error instanceof DomainError || error instanceof ScriptReplyError || isReplyError(error);
}

export interface RouterOptions {
  /** A replica lagging more than this leaves the read rotation. */
  maxReplicaLagMs: number;
  /** How often replication state is polled. */
  pollMs: number;
  /** Replicas a replicated write waits for (0 = none) and for how long. */
  writeMinReplicas: number;
  writeReplicaTimeoutMs: number;
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

export const DEFAULT_ROUTER_OPTIONS: Omit<
  RouterOptions,
  'maxReplicaLagMs' | 'writeMinReplicas' | 'writeReplicaTimeoutMs'
> = {
  pollMs: 250,
  breakerWindowMs: 1000,
  breakerErrorPercent: 50,
  breakerMinRequests: 3,
  breakerResetMs: 1000,
  operationTimeoutMs: 10_000,
};

/** What the router knows of one node (exposed for health, metrics and tests). */
export interface NodeState {
  readonly name: string;
  readonly role: 'master' | 'replica';
  readonly breaker: 'closed' | 'half_open' | 'open';
  /** Replicas: link to the master up and lag within bounds. */
  readonly inRotation: boolean;
  readonly lagMs: number;
}

interface Offset {
  at: number;
  offset: number;
}

class RedisNode {
  readonly breaker: CircuitBreaker<[Operation]>;
  /** This node's series of mnemo_redis_reads_total, resolved once (it is counted per call). */
  readonly calls: { inc(): void };
  linkUp = false;
  lagMs = Number.POSITIVE_INFINITY;
  replicaOffset = 0;

  constructor(
    readonly name: string,
    readonly role: 'master' | 'replica',
    readonly client: Redis,
    options: RouterOptions,
    log: Logger,
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
    });
    this.breaker.on('halfOpen', () => {
      gauge.set(1);
    });
    this.breaker.on('close', () => {
      gauge.set(0);
      log.info({ node: name, role }, 'circuit breaker closed');
    });
  }

  get state(): NodeState['breaker'] {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  get available(): boolean {
    return !this.breaker.opened;
  }

  run<T>(operation: (redis: Redis) => Promise<T>): Promise<T> {
    return this.breaker.fire(operation) as Promise<T>;
  }
}

/**
 * The one way to Redis: writes to the master, reads round-robin over the replicas whose link is
 * up and whose lag is within bounds (the master when there is none, a stale replica when the
 * master is down too), a circuit breaker per node, one retry of a failed read on another node.
 */
export class RedisRouter implements RedisAccess {
  private readonly master_: RedisNode;
  private readonly replicas: RedisNode[];
  private next = 0;
  private readonly offsets: Offset[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private masterReplId: string | undefined;
  private readonly masterChangeListeners: (() => void)[] = [];

  constructor(
    master: { name: string; client: Redis },
    replicas: readonly { name: string; client: Redis }[],
    private readonly writePool: Pool<Redis> | null,
    private readonly options: RouterOptions,
    private readonly log: Logger,
  ) {
    this.master_ = new RedisNode(master.name, 'master', master.client, options, log);
    this.replicas = replicas.map((r) => new RedisNode(r.name, 'replica', r.client, options, log));
  }

  /** Starts polling replication state (and probing nodes through their breakers). */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const node of [this.master_, ...this.replicas]) node.breaker.shutdown();
  }

  nodes(): NodeState[] {
    return [this.master_, ...this.replicas].map((node) => ({
      name: node.name,
      role: node.role,
      breaker: node.state,
      inRotation: node.role === 'replica' && this.inRotation(node),
      lagMs: node.role === 'master' ? 0 : node.lagMs,
    }));
  }

  /**
   * Calls `listener` when the master's replication id changes: a replica was promoted, or the
   * master restarted (and may have lost its latest writes).
   */
  onMasterChange(listener: () => void): void {
    this.masterChangeListeners.push(listener);
  }

  /** Whether some node can serve reads now. */
  canServeReads(): boolean {
    return this.master_.available || this.replicas.some((r) => r.available);
  }

  /** Whether the master takes writes now (its breaker is not open). */
  canWrite(): boolean {
    return this.master_.available;
  }

  async master<T>(operation: (redis: Redis) => Promise<T>): Promise<T> {
    return this.onMaster(operation);
  }

  async replicatedWrite<T>(operation: (redis: Redis) => Promise<T>): Promise<T> {
    const wanted = this.options.writeMinReplicas;
    if (wanted === 0 || this.writePool === null) return this.onMaster(operation);
    const pool = this.writePool;
    return this.onMaster(async () => {
      const connection = await pool.acquire();
      try {
        const result = await operation(connection);
        const acked = await connection.wait(wanted, this.options.writeReplicaTimeoutMs);
        if (acked < wanted) {
          throw unavailable(
            `the write reached ${acked} of ${wanted} required replicas in time; retry it`,
            this.options.writeReplicaTimeoutMs,
          );
        }
        return result;
      } finally {
        await pool.release(connection);
      }
    });
  }

  async read<T>(operation: (redis: Redis) => Promise<T>, deadlineMs = Infinity): Promise<T> {
    const first = this.pickReader(null);
    try {
      return await this.runOn(first, operation);
    } catch (error) {
      if (isOutcome(error)) throw error;
      const second = this.pickReader(first);
      if (second === first || Date.now() >= deadlineMs) throw this.unreachable(error, first);
      this.log.debug({ node: first.name, err: error }, 'read failed, retrying on another node');
      try {
        return await this.runOn(second, operation);
      } catch (retryError) {
        throw this.unreachable(retryError, second);
      }
    }
  }

  private async onMaster<T>(operation: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.master_.available) {
      throw unavailable('Redis master is unavailable; retry later', this.options.breakerResetMs);
    }
    try {
      return await this.runOn(this.master_, operation);
    } catch (error) {
      throw this.unreachable(error, this.master_);
    }
  }

  /** Runs an operation through a node's breaker; failures come back as they are. */
  private async runOn<T>(node: RedisNode, operation: (redis: Redis) => Promise<T>): Promise<T> {
    const result = await node.run(operation);
    node.calls.inc();
    return result;
  }

  private unreachable(error: unknown, node: RedisNode): Error {
    if (isOutcome(error)) return error;
    this.log.debug({ node: node.name, err: error }, 'redis operation failed');
    return unavailable(
      `Redis ${node.role} is unavailable; retry later`,
      this.options.breakerResetMs,
    );
  }

  private inRotation(node: RedisNode): boolean {
    return node.available && node.linkUp && node.lagMs <= this.options.maxReplicaLagMs;
  }

  /** Round-robin over replicas in rotation; else the master; else any replica answering. */
  private pickReader(exclude: RedisNode | null): RedisNode {
    const count = this.replicas.length;
    for (let i = 0; i < count; i++) {
      const node = this.replicas[(this.next + i) % count];
      if (node !== undefined && node !== exclude && this.inRotation(node)) {
        this.next = (this.next + i + 1) % count;
        return node;
      }
    }
    if (this.master_ !== exclude && this.master_.available) return this.master_;
    const stale = this.replicas.find((r) => r !== exclude && r.available);
    return stale ?? this.master_;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = Date.now();
      const masterInfo = await this.info(this.master_);
      const replId = masterInfo?.get('master_replid');
      if (replId !== undefined) {
        if (this.masterReplId !== undefined && replId !== this.masterReplId) {
          this.log.warn({ replId }, 'the Redis master changed (failover or restart)');
          for (const listener of this.masterChangeListeners) listener();
        }
        this.masterReplId = replId;
      }
      const masterOffset = Number(masterInfo?.get('master_repl_offset'));
      if (Number.isFinite(masterOffset)) {
        this.offsets.push({ at: now, offset: masterOffset });
        while (this.offsets.length > 0 && (this.offsets[0]?.at ?? now) < now - 60_000) {
          this.offsets.shift();
        }
      }
      await Promise.all(
        this.replicas.map(async (replica) => {
          const info = await this.info(replica);
          replica.linkUp = info?.get('master_link_status') === 'up';
          replica.replicaOffset = Number(info?.get('slave_repl_offset') ?? 0);
          replica.lagMs = this.lagOf(replica.replicaOffset, Date.now());
        }),
      );
    } finally {
      this.polling = false;
    }
  }

  /** How far behind the master a replica at `offset` is, from the sampled master offsets. */
  private lagOf(offset: number, now: number): number {
    const latest = this.offsets[this.offsets.length - 1];
    if (latest === undefined) return Number.POSITIVE_INFINITY;
    if (offset >= latest.offset) return 0;
    for (let i = this.offsets.length - 1; i >= 0; i--) {
      const sample = this.offsets[i];
      if (sample !== undefined && sample.offset <= offset) return now - sample.at;
    }
    return now - (this.offsets[0]?.at ?? now);
  }

  private async info(node: RedisNode): Promise<Map<string, string> | null> {
    if (!node.available && !node.breaker.halfOpen) {
      // Let the breaker's reset timer decide when to probe again.
      try {
        await node.run((redis) => redis.ping());
      } catch {
        return null;
      }
    }
    try {
      const text = await node.run((redis) => redis.info('replication'));
      const fields = new Map<string, string>();
      for (const line of text.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
      }
      return fields;
    } catch {
      return null;
    }
  }
}
