import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import {
  keyspaceEventsSetting,
  REMOVAL_EVENTS,
  removalEventsPublished,
} from '../redis/keyspaceEvents.js';

export interface RemovalWatchOptions {
  /** The master's connection, to read `notify-keyspace-events`. */
  redis: Redis;
  /** The connection subscribed to the removal events (followMemoryRemovals). */
  subscriber: Redis;
  /** How often the setting is read again (it may change at runtime, or with a failover). */
  checkIntervalMs: number;
  log: Logger;
  /** Called with the new state whenever it changes (false until the first check). */
  onChange: (followed: boolean) => void;
}

/**
 * Whether every removal of a memory behind mnemo's back (DEL, expiry, eviction) reaches the
 * index as it happens: Redis publishes all three removal events, and the subscriber has been
 * subscribed since. A dropped subscriber connection makes it false at once (events published
 * meanwhile are lost); after it reconnects (ioredis subscribes again before anything queued
 * after) a round trip on it and a fresh read of the setting make it true again. The setting is
 * read again every `checkIntervalMs`, so a change at runtime or a failover to a master
 * configured otherwise is seen within that time. The first check warns when Redis does not
 * publish every removal, naming the setting and the events missing (hits are then read from Redis
 * again once older than MNEMO_RECORD_CACHE_MAX_AGE_MS: docs/operations.md); changes are logged
 * as they happen, and `mnemo_key_removals_followed` holds the state.
 */
export class RemovalWatch {
  private followed = false;
  private subscribed: boolean;
  private published = false;
  /** Whether the first check's state was logged. */
  private announced = false;
  private readonly timer: NodeJS.Timeout;
  private stopped = false;
  private checking: Promise<void> | null = null;
  private readonly onClose = (): void => {
    this.subscribed = false;
    this.update();
  };
  private readonly onReady = (): void => {
    void this.resubscribed();
  };

  constructor(private readonly options: RemovalWatchOptions) {
    this.subscribed = options.subscriber.status === 'ready';
    options.subscriber.on('close', this.onClose);
    options.subscriber.on('ready', this.onReady);
    this.timer = setInterval(() => {
      void this.check();
    }, options.checkIntervalMs);
    this.timer.unref();
  }

  /** The current state. */
  get following(): boolean {
    return this.followed;
  }

  /** Reads the setting now (the first check; later ones run on the interval). */
  check(): Promise<void> {
    this.checking ??= (async () => {
      const setting = await keyspaceEventsSetting(this.options.redis).catch(() => null);
      const published = setting === null ? [] : removalEventsPublished(setting);
      this.published = published.length === 3;
      this.update();
      if (!this.announced && !this.stopped) this.announce(setting, published);
    })().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.options.subscriber.off('close', this.onClose);
    this.options.subscriber.off('ready', this.onReady);
  }

  private async resubscribed(): Promise<void> {
    try {
      // Answered after the subscriptions ioredis renews on reconnecting.
      await this.options.subscriber.ping();
    } catch {
      return;
    }
    this.subscribed = this.options.subscriber.status === 'ready';
    await this.check();
  }

  /**
   * Warns, once, when the first check finds that Redis does not publish every removal (a change
   * later is logged by update).
   */
  private announce(setting: string | null, published: readonly string[]): void {
    this.announced = true;
    if (this.published) return;
    const missing = REMOVAL_EVENTS.filter((event) => !published.includes(event));
    this.options.log.warn(
      { setting, missing },
      setting === null
        ? 'CONFIG GET notify-keyspace-events was refused, so key removals may go unreported: ' +
            'cached search hits are read from Redis again after MNEMO_RECORD_CACHE_MAX_AGE_MS'
        : 'Redis does not publish every key removal (notify-keyspace-events Egxe): cached ' +
            'search hits are read from Redis again after MNEMO_RECORD_CACHE_MAX_AGE_MS',
    );
  }

  private update(): void {
    const followed = !this.stopped && this.subscribed && this.published;
    metrics.keyRemovalsFollowed.set(followed ? 1 : 0);
    if (followed === this.followed) return;
    this.followed = followed;
    this.options.log.info(
      { followed },
      followed
        ? 'key removals reach the index as they happen: cached search hits answer whatever their age'
        : 'key removals may go unreported: cached search hits answer up to MNEMO_RECORD_CACHE_MAX_AGE_MS',
    );
    this.options.onChange(followed);
  }
}
