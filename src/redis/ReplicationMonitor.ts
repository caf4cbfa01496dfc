import type { Logger } from 'pino';
import { parseInfo } from './info.js';
import type { RedisNode } from './RedisNode.js';

/** How long sampled master offsets are kept (the longest lag that can be told). */
const OFFSET_HISTORY_MS = 60_000;

interface Offset {
  at: number;
  offset: number;
}

/**
 * Follows replication by polling `INFO replication` of every node through its breaker (which
 * also probes a node whose breaker is open, once its reset timeout lets a call through). Sets
 * each replica's `linkUp` and `lagMs` (how long ago the master's offset was where the replica's
 * is now, from the master's sampled offsets), and tells listeners when the master's replication
 * id changes. At most one poll at a time.
 */
export class ReplicationMonitor {
  private readonly offsets: Offset[] = [];
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private masterReplId: string | undefined;
  private readonly masterChangeListeners: (() => void)[] = [];

  constructor(
    private readonly master: RedisNode,
    private readonly replicas: readonly RedisNode[],
    private readonly pollMs: number,
    private readonly log: Logger,
  ) {}

  /** Polls once (so the replicas' state is known at once), then every `pollMs`. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Calls `listener` when the master's replication id changes: a replica was promoted, or the
   * master restarted (and may have lost its latest writes).
   */
  onMasterChange(listener: () => void): void {
    this.masterChangeListeners.push(listener);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = Date.now();
      const masterInfo = await this.info(this.master);
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
        while (this.offsets.length > 0 && (this.offsets[0]?.at ?? now) < now - OFFSET_HISTORY_MS) {
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

  /** A node's `INFO replication`, or null when it did not answer (or its breaker is open). */
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
      return parseInfo(await node.run((redis) => redis.info('replication')));
    } catch {
      return null;
    }
  }
}
