/**
 * agents: throughput and latency of RateLimitService.Acquire and AuditService.Append over
 * loopback gRPC, from `max(--concurrency)` concurrent clients (one connection each), `--queries`
 * calls per RPC after a warm-up.
 */
import type { BenchContext } from '../lib/context.js';
import { pooled } from '../lib/driver.js';
import { errorNotes, figures, LATENCY_HEADERS, latencyCells } from '../lib/figures.js';
import type { PhaseOutput } from '../lib/report.js';

export async function agents(ctx: BenchContext): Promise<PhaseOutput> {
  const o = ctx.options;
  const clients = Math.max(...o.concurrency);
  const mnemo = await ctx.startMnemo(clients);
  const run = `${process.pid}-${Date.now()}`;
  let admitted = 0;
  const acquire = async (i: number): Promise<void> => {
    const response = await mnemo.channels.client(i).rateLimit.acquire({
      bucket: `bench-venue-${i % 10}`,
      capacity: 100,
      refill_per_second: 200,
    });
    if (response.allowed) admitted++;
  };
  const append = async (i: number): Promise<void> => {
    await mnemo.channels.client(i).audit.append({
      entry: {
        agent_id: `agent-${i % 20}`,
        action: i % 3 === 0 ? 'fill' : 'order',
        market: 'BTC-USD',
        amount: 0.01,
        status: 'filled',
        tx_id: `bench-${run}-${i}`,
        pnl: ((i % 2001) - 1000) / 100,
        wall_time: 0,
        meta: '{"venue":"bench"}',
      },
    });
  };
  const warmup = Math.max(o.warmup, clients);
  await pooled(warmup, clients, acquire);
  await pooled(warmup, clients, (i) => append(i + 10_000_000));
  admitted = 0;
  const acquireRun = await pooled(o.queries, clients, acquire);
  const admittedShare = acquireRun.calls > 0 ? admitted / acquireRun.calls : 0;
  const appendRun = await pooled(o.queries, clients, append);
  const all = [
    figures('RateLimitService.Acquire', acquireRun),
    figures('AuditService.Append', appendRun),
  ];
  return {
    results: { clients, rpcs: all, acquireAdmittedShare: admittedShare },
    tables: [
      {
        title: `agent RPCs: ${clients} concurrent gRPC clients, ${o.queries} calls per RPC (after ${warmup} warm-up calls)`,
        headers: ['RPC', ...LATENCY_HEADERS],
        rows: all.map((f) => [f.target, ...latencyCells(f)]),
      },
    ],
    charts: [],
    notes: [
      `Acquire: 10 buckets of capacity 100 refilling 200/s; ${(100 * admittedShare).toFixed(1)}% admitted`,
      ...errorNotes(all),
    ],
  };
}
