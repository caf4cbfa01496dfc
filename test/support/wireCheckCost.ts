/**
 * The per-request cost of the wire check (src/api/wire/), against proto-loader's decode of the
 * same bytes: a SearchEpisodicRequest with a 256-float vector and a filter of three tags, timed
 * in a loop after warm-up. Run: `npx tsx test/support/wireCheckCost.ts`.
 */
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import { checkWire } from '../../src/api/wire/check.js';
import { WirePlans } from '../../src/api/wire/plan.js';

const packageDefinition = mnemoPackageDefinition();
const service = packageDefinition['mnemo.v1.MemoryService'];
if (service === undefined || 'format' in service) throw new Error('no MemoryService');
const method = service.SearchEpisodic;
if (method === undefined) throw new Error('no SearchEpisodic');
const plan = new WirePlans(packageDefinition).plan('mnemo.v1.SearchEpisodicRequest');
const bytes = method.requestSerialize({
  vector: { values: Array.from({ length: 256 }, (_, i) => Math.sin(i)) },
  k: 10,
  filter: { agent_ids: ['agent-1', 'agent-2'], regimes: ['trending'], reward: { min: 0 } },
});

function nsPerRequest(run: (bytes: Buffer) => unknown, n = 500_000): number {
  for (let i = 0; i < n / 10; i++) run(bytes);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) run(bytes);
  return Number(process.hrtime.bigint() - start) / n;
}

console.log(`SearchEpisodicRequest of ${bytes.length} bytes`);
for (let round = 0; round < 3; round++) {
  const check = nsPerRequest((b) => checkWire(plan, b));
  const decode = nsPerRequest((b) => method.requestDeserialize(b));
  console.log(`checkWire ${check.toFixed(0)} ns/request, decode ${decode.toFixed(0)} ns/request`);
}
