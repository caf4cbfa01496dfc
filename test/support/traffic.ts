import { status, type ServiceError } from '@grpc/grpc-js';
import { healthClient, reflectedServices, type HealthClient } from './ops.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient } from './testApp.js';

/** Clients of every mnemo service on one server. */
export interface TrafficClients {
  mnemo: MnemoClient;
  health: HealthClient;
  port: number;
  close(): void;
}

export function trafficClients(port: number): TrafficClients {
  const mnemo = testClient(port);
  const health = healthClient(port);
  return {
    mnemo,
    health,
    port,
    close() {
      mnemo.close();
      health.close();
    },
  };
}

/** Waits for a server stream's first message, then stops reading it (which cancels it). */
async function firstMessage(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const message of stream) if (message !== undefined) return;
  throw new Error('the stream ended before its first message');
}

async function failsWith(promise: Promise<unknown>, code: status): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if ((error as ServiceError).code === code) return;
    throw error;
  }
  throw new Error(`expected the call to fail with ${status[code]}`);
}

function vector(dim: number, seed: number): number[] {
  return Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) + 0.01 * i);
}

/**
 * One round of traffic on every RPC of the six mnemo services (but ResumeSession and
 * WatchSessions), plus health and reflection,
 * with a few deliberate errors (INVALID_ARGUMENT, NOT_FOUND, a cancelled stream) and a
 * rate-limiter denial. Every id, key, agent and bucket contains `unique`, so a test can check
 * that none of them ever becomes a metric label. Throws if an answer is not what it should be.
 */
export async function trafficRound(
  clients: TrafficClients,
  options: { dim: number; unique: string; maxK: number },
): Promise<void> {
  const { mnemo, health } = clients;
  const { dim, unique } = options;
  const agent = `agent-${unique}`;
  const episodes = Array.from({ length: 6 }, (_, i) => ({
    id: `${unique}-e${i}`,
    agent_id: `${agent}-${i % 2}`,
    product_id: 'BTC-USD',
    regime: 'trending',
    state_vector: { values: vector(dim, i + 1) },
    reward: i / 10,
    timestamp: 1_700_000_000 + i,
  }));
  const concepts = Array.from({ length: 3 }, (_, i) => ({
    id: `${unique}-s${i}`,
    concept_vector: { values: vector(dim, 100 + i) },
    memory_type: 'MEMORY_TYPE_PATTERN' as const,
    regime_name: 'volatile',
    sharpe_ratio: 1 + i,
    win_rate: 0.5,
  }));
  await Promise.all([
    mnemo.memory.upsertEpisodic({ memories: episodes }),
    mnemo.memory.upsertSemantic({ memories: concepts }),
  ]);
  const query = { values: vector(dim, 1) };
  const [got, gotSemantic, hits, semanticHits, batch, recent] = await Promise.all([
    mnemo.memory.getEpisodic({ ids: episodes.map((e) => e.id) }),
    mnemo.memory.getSemantic({ ids: concepts.map((c) => c.id) }),
    mnemo.memory.searchEpisodic({ vector: query, k: 3, filter: { agent_ids: [`${agent}-0`] } }),
    mnemo.memory.searchSemantic({ vector: { values: vector(dim, 100) }, k: 2, touch: true }),
    mnemo.memory.batchSearchEpisodic({
      searches: [
        { vector: query, k: 2 },
        { vector: { values: vector(dim, 2) }, k: 2, exact: true },
      ],
    }),
    mnemo.memory.recentEpisodic({
      filter: { agent_ids: [`${agent}-1`] },
      order: 'RECENT_ORDER_TIMESTAMP_DESC',
      limit: 2,
    }),
    mnemo.memory.getInfo({}),
  ]);
  if (got.memories.length !== episodes.length || gotSemantic.memories.length !== 3) {
    throw new Error('Get did not find the memories just written');
  }
  if (hits.hits[0]?.memory?.id !== episodes[0]?.id) throw new Error('SearchEpisodic missed');
  if (
    semanticHits.hits.length !== 2 ||
    batch.results.length !== 2 ||
    recent.memories.length !== 2
  ) {
    throw new Error('a search answered short');
  }
  await failsWith(
    mnemo.memory.searchEpisodic({ vector: query, k: options.maxK + 1 }),
    status.INVALID_ARGUMENT,
  );
  const [deleted, deletedSemantic, deletedByFilter] = await Promise.all([
    mnemo.memory.deleteEpisodic({ ids: [episodes[0]?.id ?? ''] }),
    mnemo.memory.deleteSemantic({ ids: concepts.map((c) => c.id) }),
    mnemo.memory.deleteEpisodicByFilter({ filter: { agent_ids: [`${agent}-1`] } }),
  ]);
  if (deleted.deleted !== 1 || deletedSemantic.deleted !== 3 || deletedByFilter.deleted !== 3) {
    throw new Error('a delete missed');
  }

  const key = `key-${unique}`;
  await mnemo.cache.set({ key, value: Buffer.from('v'), ttl_ms: 60_000 });
  const [hit, miss] = await Promise.all([
    mnemo.cache.get({ key }),
    mnemo.cache.get({ key: `missing-${unique}` }),
  ]);
  if (!hit.found || miss.found) throw new Error('cache Get answered wrong');
  await mnemo.cache.setHash({ key: `hash-${unique}`, fields: { qty: '1' }, ttl_ms: 60_000 });
  await mnemo.cache.incrementBy({ key: `hash-${unique}`, field: 'qty', delta: 2 });
  const hash = await mnemo.cache.getHash({ key: `hash-${unique}`, fields: ['qty'] });
  if (hash.fields.qty !== '3') throw new Error('cache hash answered wrong');
  await mnemo.cache.delete({ keys: [key, `hash-${unique}`] });
  await failsWith(mnemo.cache.get({ key: '' }), status.INVALID_ARGUMENT);

  const bucket = { bucket: `bucket-${unique}`, capacity: 1, refill_per_second: 0, tokens: 1 };
  const admitted = await mnemo.rateLimit.acquire(bucket);
  const denied = await mnemo.rateLimit.acquire(bucket);
  if (!admitted.allowed || denied.allowed) throw new Error('rate limiter answered wrong');

  const entry = {
    agent_id: agent,
    action: 'buy',
    market: 'BTC-USD',
    amount: 1,
    tx_id: `tx-${unique}`,
    pnl: 1.5,
  };
  const appended = await mnemo.audit.append({ entry });
  const duplicate = await mnemo.audit.append({ entry });
  if (appended.duplicate || !duplicate.duplicate) throw new Error('audit dedup answered wrong');
  const [range, pnl] = await Promise.all([
    mnemo.audit.range({ agent_id: agent, count: 10 }),
    mnemo.audit.agentPnl({ agent_id: agent }),
  ]);
  if (range.records.length !== 1 || pnl.total_pnl !== 1.5) throw new Error('audit read wrong');
  // A tail heard, then cancelled.
  await firstMessage(mnemo.audit.tail({ after_id: '0', agent_id: agent }));

  const session = { agent_id: agent };
  await mnemo.sessions.startSession({ ...session, start_capital: 100, max_drawdown: 0.5 });
  await mnemo.sessions.heartbeat(session);
  const trade = { ...session, pnl: -1, tx_id: `tx-${unique}` };
  const recorded = await mnemo.sessions.recordTrade(trade);
  const again = await mnemo.sessions.recordTrade(trade);
  if (recorded.duplicate || !again.duplicate) throw new Error('session dedup answered wrong');
  const [current] = await Promise.all([
    mnemo.sessions.getSession(session),
    mnemo.sessions.listSessions({ page_size: 10 }),
  ]);
  if (current.session?.total_pnl !== -1) throw new Error('session read wrong');
  await mnemo.sessions.endSession(session);
  await failsWith(mnemo.sessions.getSession({ agent_id: '' }), status.INVALID_ARGUMENT);

  // A durable signal heard by a subscriber: published, delivered, its latency, a subscriber.
  const channel = `signals:traffic-${unique}`;
  const durable = firstMessage(mnemo.signals.subscribe({ channels: [channel], resume_from: '0' }));
  await mnemo.signals.publish({ channel, payload: Buffer.from('tick'), durable: true });
  await durable;
  // A live signal: published until the subscriber (subscribed by then) hears one.
  const live = `signals:live-${unique}`;
  const heard = firstMessage(mnemo.signals.subscribe({ channels: [live] }));
  const failures: Error[] = [];
  const timer = setInterval(() => {
    mnemo.signals
      .publish({ channel: live, payload: Buffer.from('live') })
      .catch((error: unknown) => {
        failures.push(error instanceof Error ? error : new Error(String(error)));
      });
  }, 20);
  try {
    await heard;
  } finally {
    clearInterval(timer);
  }
  const [failed] = failures;
  if (failed !== undefined) throw failed;

  if ((await health.check('')) !== 'SERVING') throw new Error('health is not SERVING');
  await failsWith(health.check(`unknown-${unique}`), status.NOT_FOUND);
  await new Promise<void>((resolve, reject) => {
    const watch = health.watch('');
    watch.once('data', () => {
      watch.cancel();
    });
    watch.on('error', (error: ServiceError) => {
      if (error.code === status.CANCELLED) resolve();
      else reject(error);
    });
  });
  if (!(await reflectedServices(clients.port, 'v1')).includes('mnemo.v1.MemoryService')) {
    throw new Error('reflection does not list MemoryService');
  }
}
