import http2 from 'node:http2';
import { join } from 'node:path';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { projectRoot } from '../../../src/config/projectRoot.js';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import type { SignalServicePublishRequest } from '../../../src/generated/mnemo/v1/SignalServicePublishRequest.js';
import type { SignalServiceSubscribeRequest } from '../../../src/generated/mnemo/v1/SignalServiceSubscribeRequest.js';
import type { SignalServiceSubscribeResponse__Output } from '../../../src/generated/mnemo/v1/SignalServiceSubscribeResponse.js';
import { registry } from '../../../src/metrics/metrics.js';
import { statusDetails } from '../../support/statusDetails.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { ending, failure, testClient } from '../../support/testApp.js';
import { MnemoError, type MessageStream, type MnemoClient } from '../../../src/client/index.js';

type Message = SignalServiceSubscribeResponse__Output;
type Stream = MessageStream<Message>;

const ENV = { MNEMO_MAX_STREAMS_PER_CLIENT: '64', MNEMO_SIGNAL_BUFFER_MESSAGES: '50' };
/** Clients with an HTTP/2 connection of their own (flow control apart from the others). */
const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1 };

async function waitFor(what: string, condition: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Subscriber connections of mnemo instances, per CLIENT LIST. */
async function subscriberConnections(raw: Redis): Promise<number> {
  const list = (await raw.call('CLIENT', 'LIST')) as string;
  return list.split('\n').filter((line) => line.includes('name=mnemo-signal-sub')).length;
}

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .filter((v) => !('metricName' in v) || v.metricName === `${name}_count` || !v.metricName)
    .reduce((sum, v) => sum + v.value, 0);
}

async function numsub(raw: Redis, channel: string): Promise<number> {
  const reply = (await raw.call('PUBSUB', 'NUMSUB', channel)) as [string, number | string];
  return Number(reply[1]);
}

/** Resolves once `server` serves `count` subscriptions and Redis confirmed `channel`'s. */
async function live(server: AgentServer, count: number, channel?: string): Promise<void> {
  await waitFor(`${count} subscriptions`, async () => {
    if (server.services.signalHub.size < count) return false;
    if (channel === undefined) return true;
    return (await numsub(server.raw, `signal:live:${channel}`)) >= 1;
  });
}

/**
 * Collects messages until `until` says stop (rejects on any error; fails if the stream ends
 * first). Having them, it stops reading, which cancels the stream.
 */
async function collect(
  stream: Stream,
  until: (messages: Message[]) => boolean,
): Promise<Message[]> {
  const messages: Message[] = [];
  for await (const message of stream) {
    messages.push(message);
    if (until(messages)) return messages;
  }
  throw new Error(`the subscription ended after ${messages.length} messages`);
}

function count(n: number): (messages: Message[]) => boolean {
  return (messages) => messages.length >= n;
}

function text(message: Message): string {
  return message.payload.toString('utf8');
}

const signalRoot = protobuf.loadSync(join(projectRoot(), 'proto', 'mnemo', 'v1', 'signal.proto'));
const SubscribeRequest = signalRoot.lookupType('mnemo.v1.SignalServiceSubscribeRequest');
const SubscribeResponse = signalRoot.lookupType('mnemo.v1.SignalServiceSubscribeResponse');

/**
 * A Subscribe over a bare HTTP/2 stream that reads nothing until `readAll`: its flow-control
 * window fills and the server's writes wait, as for a client that stopped reading.
 */
function rawSubscribe(port: number, request: SignalServiceSubscribeRequest) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const stream = session.request({
    ':method': 'POST',
    ':path': '/mnemo.v1.SignalService/Subscribe',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  const body = Buffer.from(SubscribeRequest.encode(SubscribeRequest.fromObject(request)).finish());
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  stream.end(frame);
  stream.pause();
  let trailers: http2.IncomingHttpHeaders = {};
  stream.on('trailers', (t: http2.IncomingHttpHeaders) => {
    trailers = t;
  });
  return {
    readAll(): Promise<{
      messages: string[];
      trailers: { code: number; message: string; details: ReturnType<typeof statusDetails> };
    }> {
      return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const data = Buffer.concat(chunks);
          const messages: string[] = [];
          for (let at = 0; at + 5 <= data.length;) {
            const length = data.readUInt32BE(at + 1);
            const message = SubscribeResponse.toObject(
              SubscribeResponse.decode(data.subarray(at + 5, at + 5 + length)),
            ) as { id: string };
            messages.push(message.id);
            at += 5 + length;
          }
          const metadata = new Metadata();
          const bin = trailers['grpc-status-details-bin'];
          if (typeof bin === 'string') {
            metadata.set('grpc-status-details-bin', Buffer.from(bin, 'base64'));
          }
          const code = Number(trailers['grpc-status']);
          const message = decodeURIComponent(String(trailers['grpc-message'] ?? ''));
          resolve({
            messages,
            trailers: {
              code,
              message,
              details: statusDetails({
                code,
                details: message,
                metadata,
              } as unknown as ServiceError),
            },
          });
        });
        stream.resume();
      });
    },
    close() {
      stream.close();
      session.close();
    },
  };
}

describe('SignalService', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let other: AgentServer;
  let clients: MnemoClient;
  let otherClients: MnemoClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, ENV);
    other = await startAgentServer(redis, ENV);
    clients = testClient(server.port);
    otherClients = testClient(other.port);
  });

  afterAll(async () => {
    clients.close();
    otherClients.close();
    await server.stop();
    await other.stop();
    await redis.stop();
  });

  function publish(request: SignalServicePublishRequest, via = clients) {
    return via.signals.publish(request);
  }

  it('fans every message out to N subscribers over ONE Redis subscriber connection', async () => {
    const channel = 'signals:BTC-USD';
    const streams = Array.from({ length: 5 }, () =>
      clients.signals.subscribe({ channels: [channel] }),
    );
    const received = streams.map((s) => collect(s, count(20)));
    await live(server, 5, channel);
    expect(await numsub(server.raw, `signal:live:${channel}`)).toBe(1);
    expect(await subscriberConnections(server.raw)).toBe(1);
    expect(await metric('mnemo_signal_subscribers')).toBe(5);
    const published = await metric('mnemo_signals_published_total', { durable: 'true' });
    const delivered = await metric('mnemo_signals_delivered_total');
    const observed = await metric('mnemo_signal_delivery_seconds');
    const answers = [];
    for (let i = 0; i < 20; i++) {
      answers.push(await publish({ channel, payload: Buffer.from(`m${i}`), durable: i % 2 === 0 }));
    }
    expect(answers.map((a) => a.receivers)).toEqual(Array<number>(20).fill(1));
    expect(answers[0]?.id).toMatch(/^\d+-\d+$/);
    expect(answers[1]?.id).toBe('');
    for (const messages of await Promise.all(received)) {
      expect(messages.map(text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
      expect(messages.map((m) => m.id)).toEqual(answers.map((a) => a.id));
      expect(messages.every((m) => m.channel === channel && m.ts > 0)).toBe(true);
    }
    expect((await metric('mnemo_signals_published_total', { durable: 'true' })) - published).toBe(
      10,
    );
    expect((await metric('mnemo_signals_delivered_total')) - delivered).toBe(100);
    expect((await metric('mnemo_signal_delivery_seconds')) - observed).toBe(100);
    for (const stream of streams) stream.cancel();
    await waitFor(
      'unsubscribe',
      async () => (await numsub(server.raw, `signal:live:${channel}`)) === 0,
    );
    // Still one connection: the hub unsubscribed, it did not reconnect.
    expect(await subscriberConnections(server.raw)).toBe(1);
  });

  it('reports receivers as the Redis subscriptions reached: one per instance subscribed', async () => {
    const channel = 'signals:TWO';
    const here = clients.signals.subscribe({ channels: [channel] });
    const there = otherClients.signals.subscribe({ channels: [channel] });
    const both = [collect(here, count(1)), collect(there, count(1))];
    await live(server, 1);
    await live(other, 1);
    await waitFor(
      'two instances',
      async () => (await numsub(server.raw, `signal:live:${channel}`)) === 2,
    );
    expect(await publish({ channel, payload: Buffer.from('x') })).toEqual({ receivers: 2, id: '' });
    for (const messages of await Promise.all(both)) expect(messages.map(text)).toEqual(['x']);
    here.cancel();
    there.cancel();
    expect(await subscriberConnections(server.raw)).toBe(2);
  });

  it('delivers by pattern once per message, and filters typed signals by min_confidence', async () => {
    const stream = clients.signals.subscribe({
      patterns: ['signals:*'],
      channels: ['signals:ETH-USD'],
      min_confidence: 0.5,
    });
    const received = collect(stream, (m) => m.some((x) => text(x) === 'end'));
    await live(server, 1, 'signals:ETH-USD');
    await waitFor('pattern', async () => Number(await server.raw.call('PUBSUB', 'NUMPAT')) >= 1);
    const signal = (market: string, confidence: number) => ({
      market,
      side: 'SIGNAL_SIDE_LONG' as const,
      confidence,
      source: 'model-a',
      ts: 1_700_000_000,
    });
    await publish({ channel: 'signals:BTC-USD', signal: signal('BTC-USD', 0.9) });
    await publish({ channel: 'signals:ETH-USD', signal: signal('ETH-USD', 0.2) });
    await publish({ channel: 'signals:ETH-USD', signal: signal('ETH-USD', 0.7), durable: true });
    await publish({ channel: 'alerts:agent-1', payload: Buffer.from('not matched') });
    await publish({ channel: 'broadcast', payload: Buffer.from('not matched') });
    await publish({ channel: 'signals:SOL-USD', payload: Buffer.from('end') });
    const messages = await received;
    stream.cancel();
    expect(messages.map((m) => [m.channel, m.signal?.confidence ?? text(m)])).toEqual([
      ['signals:BTC-USD', 0.9],
      ['signals:ETH-USD', 0.7],
      ['signals:SOL-USD', 'end'],
    ]);
    expect(messages[0]?.signal).toEqual({
      market: 'BTC-USD',
      side: 'SIGNAL_SIDE_LONG',
      confidence: 0.9,
      source: 'model-a',
      ts: 1_700_000_000,
    });
  });

  it('resumes after a cancel, on another instance and after a restart: no gap, no duplicate', async () => {
    const channel = 'signals:RESUME';
    const total = 300;
    // Published on `other` throughout, one at a time, while subscribers come and go.
    const publishing = (async () => {
      for (let i = 0; i < total; i++) {
        await publish({ channel, payload: Buffer.from(String(i)), durable: true }, otherClients);
      }
    })();
    const got: Message[] = [];
    // 1. On `server`, from the start; cancelled mid-stream.
    const first = clients.signals.subscribe({ channels: [channel], resume_from: '0' });
    got.push(...(await collect(first, count(60))));
    first.cancel();
    // 2. Resumed on `other` (where the messages are published) from the last id received.
    const second = otherClients.signals.subscribe({
      channels: [channel],
      resume_from: got.at(-1)?.id,
    });
    got.push(...(await collect(second, count(60))));
    second.cancel();
    // 3. `server` restarts meanwhile; resumed on the new instance.
    const lastBeforeRestart = got.at(-1)?.id ?? '';
    await server.stop();
    clients.close();
    server = await startAgentServer(redis, ENV);
    clients = testClient(server.port);
    const third = clients.signals.subscribe({
      channels: [channel],
      resume_from: lastBeforeRestart,
    });
    const rest = await collect(third, (m) => text(m.at(-1) as Message) === String(total - 1));
    third.cancel();
    got.push(...rest);
    await publishing;
    expect(got.map(text)).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    const ids = got.map((m) => m.id);
    expect(new Set(ids).size).toBe(total);
  });

  it('ends a stream at shutdown with the position to resume from', async () => {
    const channel = 'signals:SHUTDOWN';
    const temporary = await startAgentServer(redis, ENV);
    const temporaryClients = testClient(temporary.port);
    const stream = temporaryClients.signals.subscribe({ channels: [channel], resume_from: '0' });
    // One reader: the messages as they come, then how the stream ended.
    const messages: Message[] = [];
    const ended = (async () => {
      for await (const message of stream) messages.push(message);
    })().then(
      () => null,
      (error: unknown) => error as MnemoError,
    );
    for (let i = 0; i < 3; i++) {
      await publish({ channel, payload: Buffer.from(String(i)), durable: true });
    }
    await waitFor('3 messages', () => messages.length >= 3);
    await temporary.stop();
    temporaryClients.close();
    const error = await ended;
    expect(error).toBeInstanceOf(MnemoError);
    expect(error?.code).toBe(status.UNAVAILABLE);
    expect(messages).toHaveLength(3);
    expect(error?.metadata).toEqual({ resume_from: messages[2]?.id });
  });

  it('refuses a resume older than the streams keep, naming the oldest position', async () => {
    const small = await startAgentServer(redis, {
      ...ENV,
      MNEMO_KEY_PREFIX: 'small:',
      MNEMO_SIGNAL_STREAM_MAX_LEN: '10',
    });
    const smallClients = testClient(small.port);
    try {
      const channel = 'signals:OLD';
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const answer = await smallClients.signals.publish({
          channel,
          payload: Buffer.from(String(i)),
          durable: true,
        });
        ids.push(answer.id);
      }
      expect(await small.raw.xlen(`small:signal:stream:${channel}`)).toBeGreaterThanOrEqual(10);
      expect(await small.raw.xlen(`small:signal:stream:${channel}`)).toBeLessThanOrEqual(11);
      const stale = smallClients.signals.subscribe({ channels: [channel], resume_from: ids[0] });
      const error = await ending(stale);
      expect(error?.code).toBe(status.FAILED_PRECONDITION);
      expect(error?.reason).toBe('SIGNAL_RESUME_TOO_OLD');
      const oldest = error?.metadata.resume_from ?? '';
      expect(ids).toContain(oldest);
      expect(error?.field).toBe('resume_from');
      // Resuming from the position it names gives every message after it, nothing missing.
      const resumed = smallClients.signals.subscribe({ channels: [channel], resume_from: oldest });
      const after = ids.slice(ids.indexOf(oldest) + 1);
      const messages = await collect(resumed, count(after.length));
      resumed.cancel();
      expect(messages.map((m) => m.id)).toEqual(after);
      // "0": everything kept.
      const all = smallClients.signals.subscribe({ channels: [channel], resume_from: '0' });
      const kept = await collect(all, count(after.length));
      all.cancel();
      expect(kept.map((m) => m.id)).toEqual(after);
    } finally {
      smallClients.close();
      await small.stop();
    }
  });

  it('cuts a slow subscriber off RESOURCE_EXHAUSTED with its resume position; others unaffected', async () => {
    const channel = 'signals:FAST';
    const payload = Buffer.alloc(4096, 7);
    // Publish latency with no subscriber at all, as the baseline.
    const baseline: number[] = [];
    for (let i = 0; i < 100; i++) {
      const started = performance.now();
      await publish({ channel: 'signals:BASELINE', payload, durable: true });
      baseline.push(performance.now() - started);
    }
    // The slow client: a bare HTTP/2 stream that reads nothing until told (flow control).
    const slow = rawSubscribe(server.port, { channels: [channel] });
    const fastClients = testClient(server.port, { channelOptions: OWN_CONNECTION });
    try {
      const fast = fastClients.signals.subscribe({ channels: [channel] });
      const total = 1000;
      const delivered = collect(fast, count(total));
      await live(server, 2, channel);
      const latencies: number[] = [];
      const ids: string[] = [];
      for (let i = 0; i < total; i++) {
        const started = performance.now();
        const { id } = await publish({ channel, payload, durable: true });
        latencies.push(performance.now() - started);
        ids.push(id);
      }
      const fastMessages = await delivered;
      fast.cancel();
      expect(fastMessages.map((m) => m.id)).toEqual(ids);
      // The slow one, read at last: what was written before its end, then the status.
      const { messages: slowIds, trailers } = await slow.readAll();
      expect(trailers.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(trailers.details?.errorInfo?.reason).toBe('SIGNAL_SUBSCRIBER_SLOW');
      const resumeFrom = trailers.details?.errorInfo?.metadata?.resume_from ?? '';
      expect(slowIds.length).toBeLessThan(total);
      expect(slowIds).toEqual(ids.slice(0, slowIds.length));
      expect(resumeFrom).toBe(slowIds.at(-1));
      expect(trailers.message).toContain(resumeFrom);
      // Publishing never waited on the slow subscriber.
      const median = (values: number[]) =>
        [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
      expect(median(latencies)).toBeLessThan(Math.max(3 * median(baseline), median(baseline) + 5));
      // And it resumes where it was cut off.
      const again = fastClients.signals.subscribe({ channels: [channel], resume_from: resumeFrom });
      const rest = await collect(again, count(total - slowIds.length));
      again.cancel();
      expect(rest.map((m) => m.id)).toEqual(ids.slice(slowIds.length));
    } finally {
      slow.close();
      fastClients.close();
    }
  });

  it('answers INVALID_ARGUMENT naming the field for bad input', async () => {
    const cases: [SignalServicePublishRequest, string][] = [
      [{ channel: 'foo', payload: Buffer.from('x') }, 'channel'],
      [{ channel: '', payload: Buffer.from('x') }, 'channel'],
      [{ channel: 'signals:BTC*', payload: Buffer.from('x') }, 'channel'],
      [{ channel: 'signals:', payload: Buffer.from('x') }, 'channel'],
      [{ channel: `alerts:${'a'.repeat(200)}`, payload: Buffer.from('x') }, 'channel'],
      [{ channel: 'broadcast' }, 'payload'],
      [
        {
          channel: 'signals:X',
          signal: { market: 'X', side: 'SIGNAL_SIDE_LONG', confidence: 1.5 },
        },
        'signal.confidence',
      ],
      [
        { channel: 'signals:X', signal: { side: 'SIGNAL_SIDE_SHORT', confidence: 0.5 } },
        'signal.market',
      ],
      [{ channel: 'signals:X', signal: { market: 'X', confidence: 0.5 } }, 'signal.side'],
    ];
    for (const [request, field] of cases) {
      const error = await failure(publish(request));
      expect(error.code, JSON.stringify(request)).toBe(status.INVALID_ARGUMENT);
      expect(error.message.startsWith(`${field}: `), error.message).toBe(true);
      expect(error.field).toBe(field);
    }
    const streams: [SignalServiceSubscribeRequest, string][] = [
      [{}, 'channels'],
      [{ channels: ['nope'] }, 'channels[0]'],
      [{ channels: ['broadcast'], patterns: ['signals:BTC'] }, 'patterns[0]'],
      [{ patterns: ['sig*nals:*'] }, 'patterns[0]'],
      [{ channels: ['broadcast'], resume_from: 'abc' }, 'resume_from'],
      [{ channels: ['broadcast'], min_confidence: 2 }, 'min_confidence'],
    ];
    for (const [request, field] of streams) {
      const error = await ending(clients.signals.subscribe(request));
      expect(error?.code, JSON.stringify(request)).toBe(status.INVALID_ARGUMENT);
      expect(error?.message.startsWith(`${field}: `), error?.message).toBe(true);
    }
  });
});
