/**
 * fanout: one publisher and `--subscribers` subscribers (200) split over two mnemo instances on
 * one Redis, each subscriber on a connection of its own, as execution agents are. Measured per
 * delivery: publish → deliver latency (the bench process publishes and receives, one clock). Beside
 * it, in the same run, the floor: the same process publishing and subscribing through bare Redis
 * PUBLISH/SUBSCRIBE, one connection per subscriber. Live (non-durable) and durable signals are
 * both measured; rounds alternate the order of the sides.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { MnemoClient, type MessageStream } from '../../src/client/index.js';
import type { BenchContext } from '../lib/context.js';
import { MnemoChild } from '../lib/mnemoChild.js';
import { status } from '../lib/progress.js';
import { startRedis } from '../lib/redisServer.js';
import type { PhaseOutput, Table } from '../lib/report.js';
import { ratio, round, summarize, type LatencySummary } from '../lib/stats.js';

/** How long a mnemo child may take to get ready (no data: seconds). */
const READY_TIMEOUT_MS = 120_000;
/** Between two publishes: a steady rate, not a burst (100 messages/s). */
const PUBLISH_GAP_MS = 10;
/** Longest wait for the last deliveries of a round. */
const DRAIN_MS = 10_000;

/** A side: how to publish, and its subscribers' deliveries. */
interface Side {
  name: string;
  publish(payload: Buffer): Promise<void>;
  /** Ends the subscriptions and closes the connections. */
  close(): Promise<void>;
}

/** A payload: the publish time (performance.now(), ms) and the message's number. */
function payloadOf(sentMs: number, n: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeDoubleLE(sentMs, 0);
  bytes.writeDoubleLE(n, 8);
  return bytes;
}

/** Latencies and counts of one measured round, per side. */
class Deliveries {
  readonly latencies: number[] = [];
  received = 0;
  /** Deliveries of the current round (of its probe or measured messages). */
  onMessage(payload: Buffer): void {
    if (payload.length !== 16) return;
    const n = payload.readDoubleLE(8);
    if (n < 0) return; // a probe
    this.received++;
    this.latencies.push(performance.now() - payload.readDoubleLE(0));
  }
}

function mnemoSide(
  name: string,
  servers: readonly string[],
  subscribers: number,
  channel: string,
  durable: boolean,
  deliveries: Deliveries,
  probes: Set<number>,
): Side {
  const clients: MnemoClient[] = [];
  const streams: MessageStream<{ payload: Buffer }>[] = [];
  for (let i = 0; i < subscribers; i++) {
    const client = new MnemoClient(servers[i % servers.length] ?? '', {
      channelOptions: { 'grpc.use_local_subchannel_pool': 1 },
    });
    clients.push(client);
    const stream = client.signals.subscribe({ channels: [channel] });
    streams.push(stream);
    void (async () => {
      try {
        for await (const message of stream) {
          const n = message.payload.length === 16 ? message.payload.readDoubleLE(8) : 0;
          if (n < 0) probes.add(i);
          deliveries.onMessage(message.payload);
        }
      } catch {
        // cancelled at the end, or the server stopped: the counts say what arrived
      }
    })();
  }
  const publisher = new MnemoClient(servers[0] ?? '');
  return {
    name,
    publish: async (payload) => {
      await publisher.signals.publish({ channel, payload, durable });
    },
    close: async () => {
      for (const stream of streams) stream.cancel();
      await sleep(50);
      for (const client of clients) client.close();
      publisher.close();
    },
  };
}

async function redisSide(
  url: string,
  subscribers: number,
  channel: string,
  deliveries: Deliveries,
  probes: Set<number>,
): Promise<Side> {
  const connections: Redis[] = [];
  for (let i = 0; i < subscribers; i++) {
    const redis = new Redis(url, { maxRetriesPerRequest: 1 });
    redis.on('messageBuffer', (_channel: Buffer, payload: Buffer) => {
      if (payload.length === 16 && payload.readDoubleLE(8) < 0) probes.add(i);
      deliveries.onMessage(payload);
    });
    connections.push(redis);
  }
  await Promise.all(connections.map((redis) => redis.subscribe(channel)));
  const publisher = new Redis(url);
  return {
    name: 'redis PUBLISH/SUBSCRIBE',
    publish: async (payload) => {
      await publisher.publish(channel, payload);
    },
    close: async () => {
      for (const redis of [...connections, publisher]) redis.disconnect();
      await Promise.resolve();
    },
  };
}

/** Publishes probes until every subscriber has one: every subscription reached Redis. */
async function awaitSubscribed(
  side: Side,
  probes: Set<number>,
  subscribers: number,
): Promise<void> {
  const deadline = performance.now() + 60_000;
  let n = -1;
  while (probes.size < subscribers) {
    if (performance.now() > deadline) {
      throw new Error(
        `${side.name}: ${probes.size} of ${subscribers} subscribers ready after 60 s`,
      );
    }
    await side.publish(payloadOf(performance.now(), n--));
    await sleep(50);
  }
}

interface RoundResult {
  latency: LatencySummary;
  expected: number;
  received: number;
}

async function measure(
  open: (deliveries: Deliveries, probes: Set<number>) => Promise<Side>,
  subscribers: number,
  messages: number,
): Promise<RoundResult> {
  const deliveries = new Deliveries();
  const probes = new Set<number>();
  const side = await open(deliveries, probes);
  try {
    await awaitSubscribed(side, probes, subscribers);
    await sleep(200); // the probes' last deliveries
    deliveries.latencies.length = 0;
    deliveries.received = 0;
    for (let n = 0; n < messages; n++) {
      await side.publish(payloadOf(performance.now(), n));
      await sleep(PUBLISH_GAP_MS);
    }
    const expected = messages * subscribers;
    const deadline = performance.now() + DRAIN_MS;
    while (deliveries.received < expected && performance.now() < deadline) await sleep(20);
    return { latency: summarize(deliveries.latencies), expected, received: deliveries.received };
  } finally {
    await side.close();
  }
}

export async function fanout(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  if (o.target !== null) throw new Error('the fanout phase starts its own Redis and two mnemo');
  const subscribers = o.subscribers;
  const messages = o.queries;
  const redis = await startRedis();
  ctx.cleanup.add('redis-server', () => redis.stop());
  // Every subscriber is a client of its own: the stream limits are raised for the run.
  const env = {
    ...o.serverEnv,
    MNEMO_MAX_STREAMS: String(subscribers + 16),
    MNEMO_MAX_STREAMS_PER_CLIENT: String(subscribers + 16),
    MNEMO_RECONCILE_PER_SECOND: '0',
  };
  const servers: string[] = [];
  for (const name of ['mnemo-a', 'mnemo-b']) {
    status(`starting ${name}`, o.quiet);
    const { server } = await MnemoChild.start(
      { name, redisUrl: redis.url, dim: o.dim, env },
      READY_TIMEOUT_MS,
    );
    ctx.cleanup.add(name, async () => {
      await server.stop();
      server.dispose();
    });
    servers.push(server.address);
  }

  const sides = {
    live: (d: Deliveries, p: Set<number>) =>
      Promise.resolve(
        mnemoSide('mnemo live', servers, subscribers, 'signals:BENCH-LIVE', false, d, p),
      ),
    durable: (d: Deliveries, p: Set<number>) =>
      Promise.resolve(
        mnemoSide('mnemo durable', servers, subscribers, 'signals:BENCH-DURABLE', true, d, p),
      ),
    floor: (d: Deliveries, p: Set<number>) =>
      redisSide(redis.url, subscribers, `${o.phase}:floor`, d, p),
  };
  const results: Record<keyof typeof sides, RoundResult[]> = { live: [], durable: [], floor: [] };
  const order = Object.keys(sides) as (keyof typeof sides)[];
  for (let round_ = 0; round_ < o.rounds; round_++) {
    const turn = round_ % 2 === 0 ? order : [...order].reverse();
    for (const key of turn) {
      status(`fanout round ${round_ + 1}/${o.rounds}: ${key}`, o.quiet);
      results[key].push(await measure(sides[key], subscribers, messages));
    }
  }

  const merged = (rounds: RoundResult[]) => ({
    p50: median(rounds.map((r) => r.latency.p50)),
    p99: median(rounds.map((r) => r.latency.p99)),
    mean: median(rounds.map((r) => r.latency.mean)),
    received: rounds.reduce((sum, r) => sum + r.received, 0),
    expected: rounds.reduce((sum, r) => sum + r.expected, 0),
  });
  const floor = merged(results.floor);
  const rows = (['live', 'durable', 'floor'] as const).map((key) => {
    const m = merged(results[key]);
    return [
      key === 'floor' ? 'redis PUBLISH/SUBSCRIBE' : `mnemo ${key}`,
      round(m.p50, 3),
      round(m.p99, 3),
      round(m.mean, 3),
      ratio(m.p50, floor.p50),
      ratio(m.p99, floor.p99),
      `${m.received}/${m.expected}`,
    ];
  });
  const table: Table = {
    title: `publish → deliver, 1 publisher → ${subscribers} subscribers (2 mnemo), ${messages} messages × ${o.rounds} rounds, ms (median of rounds)`,
    headers: ['path', 'p50', 'p99', 'mean', 'p50 ÷ floor', 'p99 ÷ floor', 'delivered'],
    rows,
  };
  return {
    results: { subscribers, messages, rounds: o.rounds, sides: results },
    tables: [table],
    charts: [],
    notes: [
      `subscribers alternate between the two mnemo instances, each on a connection of its own; the publisher calls mnemo-a; one message every ${PUBLISH_GAP_MS} ms`,
      'the floor is the same bench process publishing and subscribing through bare Redis PUBLISH/SUBSCRIBE, one connection per subscriber, in the same run',
      'latency is measured per delivery on one clock (the bench process both publishes and receives)',
    ],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
