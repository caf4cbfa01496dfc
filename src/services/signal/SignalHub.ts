import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../../metrics/metrics.js';
import type { SignalMessage } from '../../model/Signal.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { decodePubSub } from './envelope.js';

/** A subscription as the hub sees it: what it listens to, and where its messages go. */
export interface SignalSink {
  /** Exact channels. */
  readonly channels: ReadonlySet<string>;
  /** Channel prefixes of its patterns (`signals:` for `signals:*`), sorted. */
  readonly prefixes: readonly string[];
  /** Takes one message; never blocks (it buffers, or ends its stream when over its buffer). */
  offer(message: SignalMessage): void;
  /**
   * Ends the subscription UNAVAILABLE with its resume position: the hub lost its Redis
   * connection (`lost`) or the server is shutting down (`closing`).
   */
  end(why: 'lost' | 'closing'): void;
}

interface Ref {
  count: number;
  ready: Promise<unknown>;
}

/**
 * The local dispatcher of live signals: ONE Redis subscriber connection per mnemo instance,
 * whatever the number of Subscribe streams. It SUBSCRIBEs (PSUBSCRIBEs) a channel (pattern) when
 * the first sink wants it and UNSUBSCRIBEs when the last one goes, and fans every message out to
 * the sinks that want it, each message decoded once. A sink gets a message once even when it
 * listens to its channel and to patterns matching it: by the channel if it has it, else by its
 * first matching pattern. Delivery never waits on a sink.
 */
export class SignalHub {
  private readonly channelRefs = new Map<string, Ref>();
  private readonly patternRefs = new Map<string, Ref>();
  private readonly byChannel = new Map<string, Set<SignalSink>>();
  private readonly byPrefix = new Map<string, Set<SignalSink>>();
  /** Redis pattern → channel prefix. */
  private readonly prefixOf = new Map<string, string>();
  private readonly sinks = new Set<SignalSink>();
  private closed = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
    private readonly log: Logger,
  ) {
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      this.onMessage(channel.toString('utf8'), message);
    });
    subscriber.on('pmessageBuffer', (pattern: Buffer, channel: Buffer, message: Buffer) => {
      this.onPatternMessage(pattern.toString('utf8'), channel.toString('utf8'), message);
    });
    // Messages published while the connection is down are lost to it: end every subscription,
    // each with the position to resume from (durable messages are not lost to a resume).
    subscriber.on('close', () => {
      if (this.closed || this.sinks.size === 0) return;
      this.log.warn('signal subscriber connection lost; ending Subscribe streams');
      this.endAll('lost');
    });
  }

  /** Subscribe streams being served. */
  get size(): number {
    return this.sinks.size;
  }

  /** Registers a sink; resolves once Redis confirmed every subscription it needs. */
  async add(sink: SignalSink): Promise<void> {
    this.sinks.add(sink);
    const waits: Promise<unknown>[] = [];
    for (const channel of sink.channels) {
      addTo(this.byChannel, channel, sink);
      waits.push(this.ref(this.channelRefs, channel, (c) => this.subscriber.subscribe(c)));
    }
    for (const prefix of sink.prefixes) {
      addTo(this.byPrefix, prefix, sink);
      waits.push(
        this.ref(this.patternRefs, prefix, (p) => {
          this.prefixOf.set(this.keys.signalPubSubPattern(p), p);
          return this.subscriber.psubscribe(this.keys.signalPubSubPattern(p));
        }),
      );
    }
    await Promise.all(waits);
  }

  /** Unregisters a sink; the last one of a channel (pattern) unsubscribes it. */
  remove(sink: SignalSink): void {
    if (!this.sinks.delete(sink)) return;
    for (const channel of sink.channels) {
      removeFrom(this.byChannel, channel, sink);
      this.unref(this.channelRefs, channel, (c) => this.subscriber.unsubscribe(c));
    }
    for (const prefix of sink.prefixes) {
      removeFrom(this.byPrefix, prefix, sink);
      this.unref(this.patternRefs, prefix, (p) =>
        this.subscriber.punsubscribe(this.keys.signalPubSubPattern(p)),
      );
    }
  }

  /** Ends every subscription, each with its resume position. */
  endAll(why: 'lost' | 'closing'): void {
    for (const sink of [...this.sinks]) sink.end(why);
  }

  /** Closes the subscriber connection (after every stream ended). */
  close(): void {
    this.closed = true;
    this.subscriber.disconnect();
  }

  private ref(
    refs: Map<string, Ref>,
    name: string,
    subscribe: (redisName: string) => Promise<unknown>,
  ): Promise<unknown> {
    const existing = refs.get(name);
    if (existing !== undefined) {
      existing.count++;
      return existing.ready;
    }
    const redisName = refs === this.channelRefs ? this.keys.signalPubSub(name) : name;
    const ready = subscribe(redisName);
    refs.set(name, { count: 1, ready });
    return ready;
  }

  private unref(
    refs: Map<string, Ref>,
    name: string,
    unsubscribe: (redisName: string) => Promise<unknown>,
  ): void {
    const ref = refs.get(name);
    if (ref === undefined) return;
    if (--ref.count > 0) return;
    refs.delete(name);
    const redisName = refs === this.channelRefs ? this.keys.signalPubSub(name) : name;
    if (this.closed) return;
    unsubscribe(redisName).catch((error: unknown) => {
      this.log.debug({ err: error }, 'signal unsubscribe failed');
    });
  }

  private onMessage(redisChannel: string, raw: Buffer): void {
    const channel = this.keys.signalChannelOf(redisChannel);
    if (channel === null) return;
    const sinks = this.byChannel.get(channel);
    if (sinks === undefined || sinks.size === 0) return;
    const message = this.decode(raw);
    if (message === null) return;
    for (const sink of sinks) sink.offer(message);
  }

  private onPatternMessage(pattern: string, redisChannel: string, raw: Buffer): void {
    const prefix = this.prefixOf.get(pattern);
    const channel = this.keys.signalChannelOf(redisChannel);
    if (prefix === undefined || channel === null) return;
    const sinks = this.byPrefix.get(prefix);
    if (sinks === undefined || sinks.size === 0) return;
    let message: SignalMessage | null | undefined;
    for (const sink of sinks) {
      if (sink.channels.has(channel)) continue;
      if (sink.prefixes.find((p) => channel.startsWith(p)) !== prefix) continue;
      message ??= this.decode(raw);
      if (message === null) return;
      sink.offer(message);
    }
  }

  private decode(raw: Buffer): SignalMessage | null {
    try {
      return decodePubSub(raw);
    } catch (error) {
      metrics.signalsDropped.inc({ reason: 'undecodable' });
      this.log.warn({ err: error }, 'undecodable signal message dropped');
      return null;
    }
  }
}

function addTo(map: Map<string, Set<SignalSink>>, key: string, sink: SignalSink): void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(sink);
}

function removeFrom(map: Map<string, Set<SignalSink>>, key: string, sink: SignalSink): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(sink);
  if (set.size === 0) map.delete(key);
}
