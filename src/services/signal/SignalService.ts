import type { Logger } from 'pino';
import { metrics } from '../../metrics/metrics.js';
import {
  DomainError,
  invalidArgument,
  resourceExhausted,
  unavailable,
} from '../../model/errors.js';
import {
  checkChannel,
  type SignalContent,
  type SignalMessage,
  type TradingSignal,
} from '../../model/Signal.js';
import type { RedisAccess } from '../../redis/RedisAccess.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { signalPublish } from '../../redis/scripts/signalPublish.js';
import { decodeBody, encodeBody } from './envelope.js';
import type { SignalHub, SignalSink } from './SignalHub.js';
import { compareStreamIds } from '../../redis/streamIds.js';

export interface SignalOptions {
  /** Durable messages kept per channel stream (at least). */
  streamMaxLen: number;
  /** Messages a subscription may have waiting for its client before it is ended. */
  bufferMessages: number;
  /** Largest payload (or signal text), in bytes. */
  maxPayloadBytes: number;
}

export interface PublishResult {
  /** Redis's PUBLISH count: Redis subscriptions reached (≈ mnemo instances subscribed). */
  receivers: number;
  /** The durable id, '' when not durable. */
  id: string;
}

export interface SubscribeQuery {
  /** Exact channels (checked). */
  channels: readonly string[];
  /** Pattern prefixes (checked): `signals:` for `signals:*`. */
  prefixes: readonly string[];
  /** Resume after this id; '0' = every durable message kept; null = live only. */
  resumeFrom: string | null;
  /** Typed signals below this confidence are not delivered; raw payloads always are. */
  minConfidence: number;
}

/** When a client may resubscribe after its stream was ended. */
const RETRY_AFTER_MS = 1000;
const REPLAY_PAGE = 1000;

/**
 * Signals between agents: Publish over Redis pub/sub (durable messages also in a capped stream
 * per channel, with ids increasing across channels: signalPublish.lua), Subscribe as a sink of
 * the instance's one shared subscriber connection (SignalHub), resuming from the streams.
 */
export class SignalService {
  private readonly subscriptions = new Set<Subscription>();
  private closing = false;

  constructor(
    private readonly redis: RedisAccess,
    private readonly keys: RedisKeys,
    private readonly hub: SignalHub,
    private readonly log: Logger,
    private readonly options: SignalOptions,
  ) {}

  /**
   * Publishes on `channel` (checked: INVALID_ARGUMENT naming `channel`) a raw payload or a typed
   * signal; a durable message is also kept for resuming. Agent scoping is the caller's (the gRPC
   * handler checks the token; in-process callers such as sessions act for the server).
   */
  async publish(channel: string, content: SignalContent, durable: boolean): Promise<PublishResult> {
    checkChannel('channel', channel);
    const payload = 'payload' in content ? content.payload : null;
    const signal = 'signal' in content ? content.signal : null;
    if (payload !== null && payload.length > this.options.maxPayloadBytes) {
      throw invalidArgument(
        'payload',
        `is ${payload.length} bytes, at most ${this.options.maxPayloadBytes} are allowed`,
      );
    }
    if (signal !== null) checkSignal('signal', signal, this.options.maxPayloadBytes);
    const body = encodeBody(channel, Date.now(), payload, signal);
    // A durable message is a write like an audit entry (WAIT for MNEMO_WRITE_MIN_REPLICAS, so a
    // failover keeps it); a live-only one needs the master alone.
    const run = durable
      ? this.redis.replicatedWrite.bind(this.redis)
      : this.redis.master.bind(this.redis);
    const result = await run((redis) =>
      signalPublish(redis, {
        sequence: this.keys.signalSequence(),
        stream: this.keys.signalStream(channel),
        channels: this.keys.signalChannels(),
        horizon: this.keys.signalHorizon(),
        pubsubChannel: this.keys.signalPubSub(channel),
        channel,
        durable,
        body,
        maxLen: this.options.streamMaxLen,
        trimSlack: Math.max(1, Math.floor(this.options.streamMaxLen / 10)),
      }),
    );
    metrics.signalsPublished.inc({ durable: String(durable) });
    return result;
  }

  /**
   * Delivers the messages of the query's channels and patterns through `deliver` until `signal`
   * aborts: with `resumeFrom`, first the durable ones after it (in id order), then live ones,
   * never one twice. Ends RESOURCE_EXHAUSTED when more than bufferMessages wait for the client,
   * UNAVAILABLE when the server shuts down or loses Redis; each error carries `resume_from`.
   */
  async subscribe(
    query: SubscribeQuery,
    signal: AbortSignal,
    deliver: (message: SignalMessage) => Promise<void>,
  ): Promise<void> {
    if (this.closing) throw unavailable('the server is shutting down', RETRY_AFTER_MS);
    // The position before subscribing: a live-only subscription's resume point until it gets a
    // durable message (resuming from it may repeat none it got, and misses none after).
    const start =
      query.resumeFrom ??
      ((await this.redis.master((redis) => redis.get(this.keys.signalSequence()))) || '0');
    const subscription = new Subscription(
      query,
      start,
      this.options.bufferMessages,
      signal,
      deliver,
    );
    this.subscriptions.add(subscription);
    metrics.signalSubscribers.inc();
    try {
      try {
        await this.hub.add(subscription);
      } catch (error) {
        this.log.warn({ err: error }, 'signal subscription to Redis failed');
        throw unavailable('the signal subscription to Redis failed', RETRY_AFTER_MS);
      }
      if (query.resumeFrom !== null) {
        const replay = await this.replay(query, query.resumeFrom);
        await subscription.emitAll(replay);
      }
      await subscription.pump();
    } finally {
      this.hub.remove(subscription);
      this.subscriptions.delete(subscription);
      metrics.signalSubscribers.dec();
      subscription.discard();
    }
  }

  /** Ends every subscription (UNAVAILABLE with its resume position) and refuses new ones. */
  close(): void {
    this.closing = true;
    this.hub.endAll('closing');
  }

  /** The durable messages after `after` of the query's channels, in id order. */
  private async replay(query: SubscribeQuery, after: string): Promise<SignalMessage[]> {
    const known = await this.redis.master((redis) => redis.smembers(this.keys.signalChannels()));
    const channels = new Set(query.channels);
    for (const channel of known) {
      if (query.prefixes.some((p) => channel.startsWith(p))) channels.add(channel);
    }
    const messages: SignalMessage[] = [];
    const durable = [...channels];
    for (const channel of durable) {
      const stream = this.keys.signalStream(channel);
      let from = after === '0' ? '-' : `(${after}`;
      for (;;) {
        const start = from;
        const page = await this.redis.master((redis) =>
          redis.xrange(stream, start, '+', 'COUNT', REPLAY_PAGE),
        );
        for (const [id, fields] of page) {
          const body = fields[fields.indexOf('m') + 1];
          if (body === undefined) continue;
          messages.push(decodeBody(id, body));
        }
        const last = page[page.length - 1];
        if (page.length < REPLAY_PAGE || last === undefined) break;
        from = `(${last[0]}`;
      }
    }
    // Read after the streams: a trim that removed messages after `after` before (or while) they
    // were read has moved a horizon past it.
    if (after !== '0' && durable.length > 0) {
      const horizons = await this.redis.master((redis) =>
        redis.hmget(this.keys.signalHorizon(), ...durable),
      );
      let oldest: string | null = null;
      for (const horizon of horizons) {
        if (horizon !== null && compareStreamIds(horizon, after) > 0) {
          if (oldest === null || compareStreamIds(horizon, oldest) > 0) oldest = horizon;
        }
      }
      if (oldest !== null) {
        throw new DomainError(
          'failed_precondition',
          `resume_from: messages after ${after} are no longer kept; the oldest position to ` +
            `resume from is ${oldest} (or "0": every message kept)`,
          undefined,
          {
            field: 'resume_from',
            reason: 'SIGNAL_RESUME_TOO_OLD',
            metadata: { resume_from: oldest },
          },
        );
      }
    }
    messages.sort((a, b) => compareStreamIds(a.id, b.id));
    return messages;
  }
}

function checkSignal(field: string, signal: TradingSignal, maxBytes: number): void {
  if (signal.market.length === 0) throw invalidArgument(`${field}.market`, 'is required');
  if (!Number.isFinite(signal.confidence) || signal.confidence < 0 || signal.confidence > 1) {
    throw invalidArgument(`${field}.confidence`, `must be in [0, 1], got ${signal.confidence}`);
  }
  if (!Number.isFinite(signal.ts) || signal.ts < 0) {
    throw invalidArgument(`${field}.ts`, 'must be unix seconds >= 0 (0 = unknown)');
  }
  const bytes = Buffer.byteLength(signal.market) + Buffer.byteLength(signal.source) + 16;
  if (bytes > maxBytes) {
    throw invalidArgument(field, `is ${bytes} bytes, at most ${maxBytes} are allowed`);
  }
}

/**
 * One Subscribe stream: a bounded queue the hub fills without waiting, emptied by `pump` into
 * the gRPC stream at the client's pace. Its position is the id of the last durable message
 * written to the stream (everything written reaches the client before the stream's status).
 */
class Subscription implements SignalSink {
  readonly channels: ReadonlySet<string>;
  readonly prefixes: readonly string[];
  private queue: SignalMessage[] = [];
  private wake: (() => void) | null = null;
  private failure: DomainError | null = null;
  private rejectFailure: ((error: DomainError) => void) | null = null;
  private readonly failed: Promise<never>;

  constructor(
    query: SubscribeQuery,
    private position: string,
    private readonly bufferMessages: number,
    private readonly signal: AbortSignal,
    private readonly deliver: (message: SignalMessage) => Promise<void>,
  ) {
    this.channels = new Set(query.channels);
    this.prefixes = [...new Set(query.prefixes)].sort();
    this.minConfidence = query.minConfidence;
    this.failed = new Promise<never>((_, reject) => {
      this.rejectFailure = reject;
    });
    this.failed.catch(() => undefined);
    signal.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  private readonly minConfidence: number;

  offer(message: SignalMessage): void {
    if (this.failure !== null) return;
    if (message.signal !== null && message.signal.confidence < this.minConfidence) return;
    if (this.queue.length >= this.bufferMessages) {
      metrics.signalsDropped.inc({ reason: 'overflow' }, this.queue.length + 1);
      this.fail(
        resourceExhausted(
          `the client fell more than ${this.bufferMessages} messages behind (the server's ` +
            `MNEMO_SIGNAL_BUFFER_MESSAGES); resume_from ${this.position}`,
          RETRY_AFTER_MS,
          'SIGNAL_SUBSCRIBER_SLOW',
        ),
      );
      return;
    }
    this.queue.push(message);
    this.wake?.();
  }

  end(why: 'lost' | 'closing'): void {
    const what =
      why === 'lost' ? 'the server lost its Redis subscription' : 'the server is shutting down';
    this.fail(unavailable(`${what}; resume_from ${this.position}`, RETRY_AFTER_MS));
  }

  /** Writes replayed messages (already in id order), at the client's pace. */
  async emitAll(messages: readonly SignalMessage[]): Promise<void> {
    for (const message of messages) {
      if (this.signal.aborted) return;
      this.check();
      if (message.signal !== null && message.signal.confidence < this.minConfidence) {
        this.position = message.id;
        continue;
      }
      await this.write(message, false);
    }
  }

  /** Writes queued live messages until the client cancels or the subscription fails. */
  async pump(): Promise<void> {
    for (;;) {
      if (this.signal.aborted) return;
      this.check();
      const message = this.queue.shift();
      if (message === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      // A durable message already replayed (or from before a live subscription's start).
      if (message.id !== '' && compareStreamIds(message.id, this.position) <= 0) continue;
      await this.write(message, true);
    }
  }

  discard(): void {
    this.queue = [];
  }

  private async write(message: SignalMessage, live: boolean): Promise<void> {
    // `deliver` writes synchronously (the message is buffered for the client before any wait),
    // so the position moves before the wait for the client to read.
    if (message.id !== '') this.position = message.id;
    const sent = this.deliver(message);
    metrics.signalsDelivered.inc();
    if (live) metrics.signalDeliverySeconds.observe(Math.max(0, Date.now() - message.ts) / 1000);
    await Promise.race([sent, this.failed]);
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }

  private fail(error: DomainError): void {
    if (this.failure !== null) return;
    const withPosition = new DomainError(error.kind, error.message, error.retryAfterMs, {
      ...error.facts,
      metadata: { resume_from: this.position },
    });
    this.failure = withPosition;
    this.queue = [];
    this.rejectFailure?.(withPosition);
    this.wake?.();
  }
}
