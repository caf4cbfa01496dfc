import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { unavailable } from '../model/errors.js';
import { MasterProbe } from './MasterProbe.js';
import type { RedisAccess } from './RedisAccess.js';
import { isOutcome, RedisNode, type BreakerOptions, type NodeState } from './RedisNode.js';
import { ReplicationMonitor } from './ReplicationMonitor.js';

export type { NodeState } from './RedisNode.js';

export interface RouterOptions extends BreakerOptions {
  /** A replica lagging more than this leaves the read rotation. */
  maxReplicaLagMs: number;
  /** How often replication state is polled. */
  pollMs: number;
  /** Replicas a replicated write waits for (0 = none) and for how long. */
  writeMinReplicas: number;
  writeReplicaTimeoutMs: number;
  /** The master's probe: INFO every `probeIntervalMs`, failed when not answered in time… */
  probeIntervalMs: number;
  probeTimeoutMs: number;
  /** …and the master unable to serve after this many failed probes in a row. */
  probeFailuresToUnready: number;
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
  probeIntervalMs: 1000,
  probeTimeoutMs: 2000,
  probeFailuresToUnready: 3,
};

/**
 * The one way to Redis, and the one owner of its nodes' health.
 *
 * Routing: writes to the master, reads round-robin over the replicas whose link is up and whose
 * lag is within bounds (the master when there is none, a stale replica when the master is down
 * too), a circuit breaker per node, one retry of a failed read on another node.
 *
 * Health: `canServeReads()` and `onHealthChange()` are the view of whether Redis can serve
 * reads, from the breakers, the replication monitor and the master's probe (which also sets the
 * Redis memory and connection gauges).
 */
export class RedisRouter implements RedisAccess {
  private readonly master_: RedisNode;
  private readonly replicas: RedisNode[];
  private readonly probe: MasterProbe;
  private readonly replication: ReplicationMonitor;
  private next = 0;
  private readsWere = false;
  private readonly healthListeners: ((canServeReads: boolean) => void)[] = [];

  constructor(
    master: { name: string; client: Redis },
    replicas: readonly { name: string; client: Redis }[],
    private readonly writePool: Pool<Redis> | null,
    private readonly options: RouterOptions,
    private readonly log: Logger,
  ) {
    const changed = () => {
      this.healthMayHaveChanged();
    };
    this.probe = new MasterProbe(master.client, log, {
      intervalMs: options.probeIntervalMs,
      timeoutMs: options.probeTimeoutMs,
      failuresToUnready: options.probeFailuresToUnready,
    });
    this.probe.onChange(changed);
    this.master_ = new RedisNode(master.name, 'master', master.client, options, log, changed);
    this.replicas = replicas.map(
      (r) => new RedisNode(r.name, 'replica', r.client, options, log, changed),
    );
    this.replication = new ReplicationMonitor(this.master_, this.replicas, options.pollMs, log);
  }

  /** Polls replication state and probes the master once, then keeps doing so on timers. */
  async start(): Promise<void> {
    await Promise.all([this.replication.start(), this.probe.start()]);
  }

  stop(): void {
    this.replication.stop();
    this.probe.stop();
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
    this.replication.onMasterChange(listener);
  }

  /**
   * Whether Redis can serve reads now: the master, when its breaker is not open and its probe
   * finds it ready (connected, and INFO answered by one of the last `probeFailuresToUnready`
   * probes), or else a replica whose breaker is not open. False until `start()`.
   */
  canServeReads(): boolean {
    return (this.master_.available && this.probe.ready()) || this.replicas.some((r) => r.available);
  }

  /** Calls `listener` with `canServeReads()` each time that changes. */
  onHealthChange(listener: (canServeReads: boolean) => void): void {
    this.healthListeners.push(listener);
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

  private healthMayHaveChanged(): void {
    const now = this.canServeReads();
    if (now === this.readsWere) return;
    this.readsWere = now;
    for (const listener of this.healthListeners) listener(now);
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
}
