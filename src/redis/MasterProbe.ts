import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import { parseInfo } from './info.js';

export interface MasterProbeOptions {
  /** How often INFO is sent. */
  intervalMs: number;
  /** An INFO not answered within this counts as a failed probe. */
  timeoutMs: number;
  /**
   * Failed probes in a row before Redis counts as unable to serve (a dropped connection counts
   * at once): one slow answer under a burst of traffic is not an outage.
   */
  failuresToUnready: number;
}

/**
 * The router's watch of the master, through the client mnemo sends its commands on: one INFO per
 * interval, at most one at a time and bounded by a timeout. `ready()` is true while that client is
 * connected and INFO is answered (false at once when the connection drops, or after
 * `failuresToUnready` failed probes in a row); each answer also sets `redis_memory_usage_bytes`
 * (used_memory) and `redis_connections_active` (connected_clients: every client of that Redis,
 * all mnemo instances included). One small command per interval whatever the traffic.
 */
export class MasterProbe {
  private ok = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  // A dropped connection is known at once, not at the next probe.
  private readonly onClose = (): void => {
    this.update(false);
  };
  private readonly onReady = (): void => {
    void this.probe();
  };

  constructor(
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly options: MasterProbeOptions,
  ) {
    redis.on('close', this.onClose);
    redis.on('ready', this.onReady);
  }

  /** Probes once (so `ready()` is meaningful at once), then every interval. */
  async start(): Promise<void> {
    await this.probe();
    this.timer ??= setInterval(() => {
      void this.probe();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops probing and watching the connection; `ready()` keeps its last value. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.redis.off('close', this.onClose);
    this.redis.off('ready', this.onReady);
  }

  ready(): boolean {
    return this.ok && this.redis.status === 'ready';
  }

  /** Calls `listener` whenever `ready()` may have changed. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** One probe; a probe already under way is joined rather than doubled. */
  probe(): Promise<void> {
    this.running ??= this.runProbe().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runProbe(): Promise<void> {
    if (this.redis.status !== 'ready') {
      this.update(false);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`INFO not answered within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
    });
    try {
      const info = parseInfo(await Promise.race([this.redis.info(), timeout]));
      const used = Number(info.get('used_memory'));
      const clients = Number(info.get('connected_clients'));
      if (Number.isFinite(used)) metrics.redisMemoryUsage.set(used);
      if (Number.isFinite(clients)) metrics.redisConnectionsActive.set(clients);
      this.failures = 0;
      this.update(true);
    } catch (error) {
      this.failures++;
      if (this.ok) {
        this.log.warn(
          { err: (error as Error).message, failures: this.failures },
          'redis probe failed',
        );
      }
      if (this.failures >= this.options.failuresToUnready) this.update(false);
    } finally {
      clearTimeout(timer);
    }
  }

  private update(ok: boolean): void {
    if (ok === this.ok) return;
    this.ok = ok;
    for (const listener of this.listeners) listener();
  }
}
