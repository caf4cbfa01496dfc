/**
 * Memory-core scale check: loads N clustered memories through gRPC into a redis-server of its own,
 * restarts mnemo to time the index rebuild, and measures recall@10 of default searches against
 * exact ones at several filter selectivities.
 *
 *   npx tsx bench/scale.ts [--memories 100000] [--dim 256] [--queries 200]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { App } from '../src/app/App.js';
import { RedisProcess } from '../src/app/RedisProcess.js';
import { loadConfig } from '../src/config/config.js';
import { ClusteredData } from '../test/support/syntheticData.js';
import { memoryClient } from '../test/support/testApp.js';

const { values } = parseArgs({
  options: {
    memories: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '256' },
    queries: { type: 'string', default: '200' },
  },
});
const N = Number(values.memories);
const DIM = Number(values.dim);
const QUERIES = Number(values.queries);
const AGENTS = 1000;

const log = pino({ level: 'warn' });
const redis = await RedisProcess.start({ args: ['--save', '', '--appendonly', 'no'] });
const config = loadConfig({
  MNEMO_GRPC_ADDRESS: '127.0.0.1:0',
  MNEMO_REDIS_URL: redis.url,
  MNEMO_VECTOR_DIM: String(DIM),
});
let app = await App.start(config, log);
let client = memoryClient(app.port);

const data = new ClusteredData(DIM, 100, 42);
const vectors = data.sample(N, 1);
const loadStart = performance.now();
const BATCH = 500;
for (let i = 0; i < N; i += BATCH) {
  await client.UpsertEpisodic({
    memories: vectors.slice(i, i + BATCH).map((v, j) => ({
      id: `m-${i + j}`,
      agent_id: `agent-${(i + j) % AGENTS}`,
      product_id: (i + j) % 10 === 0 ? 'ETH-USD' : 'BTC-USD',
      state_vector: { f32le: Buffer.from(v.buffer) },
      reward: ((i + j) % 200) / 100 - 1,
      timestamp: 1_700_000_000 + i + j,
    })),
  });
  if ((i / BATCH) % 20 === 0) process.stderr.write(`\rloaded ${i + BATCH} / ${N}`);
}
const loadSeconds = (performance.now() - loadStart) / 1000;
process.stderr.write('\n');

client.close();
await app.stop();
const rebuildStart = performance.now();
app = await App.start(config, log);
const rebuildSeconds = (performance.now() - rebuildStart) / 1000;
client = memoryClient(app.port);

const queries = data.sample(QUERIES, 2);
const filters: [string, object][] = [
  ['0.1% (one agent)', { agent_ids: ['agent-7'] }],
  ['1% (10 agents)', { agent_ids: Array.from({ length: 10 }, (_, i) => `agent-${i * 3}`) }],
  ['10% (product)', { product_ids: ['ETH-USD'] }],
  ['5% (product + reward ≥ 0)', { product_ids: ['ETH-USD'], reward: { min: 0 } }],
  ['50% (reward ≥ 0)', { reward: { min: 0 } }],
  ['100% (none)', {}],
];
console.log(
  `\n${N} memories × ${DIM} dims, clustered (100 centres, 8-d local structure + noise), ${QUERIES} queries, k = 10`,
);
console.log(
  `load: ${(N / loadSeconds).toFixed(0)} memories/s; rebuild on restart: ${rebuildSeconds.toFixed(2)} s`,
);
console.log('selectivity                  recall@10   mean ms (default)   mean ms (exact)');
for (const [name, filter] of filters) {
  let found = 0;
  let expected = 0;
  let approxMs = 0;
  let exactMs = 0;
  for (const q of queries) {
    const vector = { f32le: Buffer.from(q.buffer) };
    let t = performance.now();
    const truth = await client.SearchEpisodic({ vector, k: 10, filter, exact: true });
    exactMs += performance.now() - t;
    t = performance.now();
    const got = await client.SearchEpisodic({ vector, k: 10, filter });
    approxMs += performance.now() - t;
    const ids = new Set(got.hits.map((h) => h.memory?.id));
    expected += truth.hits.length;
    found += truth.hits.filter((h) => ids.has(h.memory?.id)).length;
  }
  console.log(
    `${name.padEnd(28)} ${(found / expected).toFixed(4).padStart(9)}   ${(approxMs / QUERIES).toFixed(3).padStart(17)}   ${(exactMs / QUERIES).toFixed(3).padStart(15)}`,
  );
}
client.close();
await app.stop();
await redis.stop();
