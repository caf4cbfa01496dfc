import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import type { AuditEntry } from '../../../src/model/AuditEntry.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { testClient } from '../../support/testApp.js';
import type { MnemoClient } from '../../../src/client/index.js';

const BASE = 1_700_000_000;
const MAX_LEN = 1000;
const TRIM_BATCH = 100;
const AGENTS = ['ta', 'tb', 'tc'];

/** Micro-units of every tx_id ever appended (the test's own ledger). */
const ledger = new Map<string, { agent: string; micro: bigint; t: number }>();

function entryFor(i: number): AuditEntry {
  const agent = AGENTS[i % AGENTS.length] ?? 'ta';
  const micro = BigInt(((i * 7_919_993) % 2_000_000_001) - 1_000_000_000);
  const t = BASE + ((i * 104_729) % 500_000) + (i % 3) / 4;
  const txId = `tx-${i}`;
  ledger.set(txId, { agent, micro, t });
  return {
    agentId: agent,
    action: 'fill',
    market: 'BTC-USD',
    amount: 1,
    status: 'filled',
    txId,
    pnl: Number(micro) / 1e6,
    wallTime: t,
    meta: '',
  };
}

function toNumber(micro: bigint): number {
  const abs = micro < 0n ? -micro : micro;
  return Number(
    `${micro < 0n ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`,
  );
}

describe('AuditService trimming', () => {
  let redis: RedisProcess;
  let a: AgentServer;
  let b: AgentServer;
  let clientA: MnemoClient;
  let clientB: MnemoClient;
  let raceA: MnemoClient;
  let raceB: MnemoClient;
  const env = { MNEMO_KEY_PREFIX: 'tr:', MNEMO_AUDIT_MAX_LEN: String(MAX_LEN) };

  beforeAll(async () => {
    redis = await startOwnRedis();
    a = await startAgentServer(redis, env, { trimBatch: TRIM_BATCH });
    b = await startAgentServer(redis, env, { trimBatch: TRIM_BATCH });
    clientA = testClient(a.port);
    clientB = testClient(b.port);
  });

  afterAll(async () => {
    clientA.close();
    clientB.close();
    await a.stop();
    await b.stop();
    await redis.stop();
  });

  /** Checks that the dedup index, timelines and P&L sums describe exactly the retained log. */
  async function expectAggregatesMatchTheLog(prefix = 'tr:'): Promise<void> {
    const log = await a.raw.xrange(`${prefix}audit:log`, '-', '+');
    const field = (flat: string[], name: string): string => flat[flat.indexOf(name) + 1] ?? '';
    const retained = log.map(([id, flat]) => ({
      id,
      agent: field(flat, 'agent_id'),
      txId: field(flat, 'tx_id'),
    }));
    // The dedup index holds (agent, tx_id) of exactly the retained entries.
    expect(await a.raw.hlen(`${prefix}audit:txa`)).toBe(retained.length);
    for (const { id, agent, txId } of retained) {
      expect(await a.raw.hget(`${prefix}audit:txa`, JSON.stringify([agent, txId]))).toBe(id);
    }
    for (const agent of AGENTS) {
      const mine = retained.map((r) => ledger.get(r.txId)).filter((e) => e?.agent === agent);
      const micro = mine.reduce((sum, e) => sum + (e?.micro ?? 0n), 0n);
      expect(await a.raw.zcard(`${prefix}audit:time:${agent}`)).toBe(mine.length);
      const pnlA = prefix === 'tr:' ? clientA : raceA;
      const pnlB = prefix === 'tr:' ? clientB : raceB;
      expect(await pnlB.audit.agentPnl({ agent_id: agent })).toEqual({
        total_pnl: toNumber(micro),
        entries: mine.length,
      });
      const from = BASE + 100_000.5;
      const to = BASE + 300_000.25;
      const inside = mine.filter((e) => e !== undefined && e.t >= from && e.t <= to);
      expect(await pnlA.audit.agentPnl({ agent_id: agent, from_time: from, to_time: to })).toEqual({
        total_pnl: toNumber(inside.reduce((sum, e) => sum + (e?.micro ?? 0n), 0n)),
        entries: inside.length,
      });
    }
  }

  it('keeps the log between MNEMO_AUDIT_MAX_LEN and that plus the trim batch, oldest out first', async () => {
    for (let i = 0; i < 2500; i += 50) {
      await a.services.audit.appendMany(Array.from({ length: 50 }, (_, j) => entryFor(i + j)));
    }
    const length = await a.raw.xlen('tr:audit:log');
    expect(length).toBeGreaterThanOrEqual(MAX_LEN);
    expect(length).toBeLessThan(MAX_LEN + TRIM_BATCH);
    const [[, oldest] = ['', []]] = await a.raw.xrange('tr:audit:log', '-', '+', 'COUNT', 1);
    expect(oldest[oldest.indexOf('tx_id') + 1]).toBe(`tx-${2500 - length}`);
  });

  it('removes trimmed entries from the dedup index, the timelines and the P&L sums', async () => {
    await expectAggregatesMatchTheLog();
  });

  it('recognises a retried tx_id while its entry is in the log, and not once it is trimmed', async () => {
    const retained = await clientA.audit.append({
      entry: { agent_id: 'ta', action: 'fill', tx_id: 'tx-2499' },
    });
    expect(retained.duplicate).toBe(true);
    const trimmed = await clientA.audit.append({
      entry: { agent_id: 'ta', action: 'fill', tx_id: 'tx-0' },
    });
    expect(trimmed.duplicate).toBe(false);
    ledger.set('tx-0', { agent: 'ta', micro: 0n, t: 0 });
  });

  it('stays exact when two instances append and trim concurrently', async () => {
    await Promise.all(
      Array.from({ length: 1200 }, (_, k) => {
        const e = entryFor(3000 + k);
        const client = k % 2 === 0 ? clientA : clientB;
        return client.audit.append({
          entry: {
            agent_id: e.agentId,
            action: e.action,
            tx_id: e.txId,
            pnl: e.pnl,
            wall_time: e.wallTime,
          },
        });
      }),
    );
    await Promise.all([a.services.audit.trim(), b.services.audit.trim()]);
    expect(await a.raw.xlen('tr:audit:log')).toBe(MAX_LEN);
    await expectAggregatesMatchTheLog();
  });

  it('removes each entry once when two instances trim the same head at the same moment', async () => {
    const raceEnv = { ...env, MNEMO_KEY_PREFIX: 'race:' };
    const never = { trimBatch: 1_000_000 };
    const first = await startAgentServer(redis, raceEnv, never);
    const second = await startAgentServer(redis, raceEnv, never);
    raceA = testClient(first.port);
    raceB = testClient(second.port);
    try {
      for (let i = 0; i < 3000; i += 500) {
        await first.services.audit.appendMany(
          Array.from({ length: 500 }, (_, j) => entryFor(10_000 + i + j)),
        );
      }
      expect(await a.raw.xlen('race:audit:log')).toBe(3000);
      const [one, two] = await Promise.all([
        first.services.audit.trim(),
        second.services.audit.trim(),
      ]);
      expect(one + two).toBe(2000);
      expect(await a.raw.xlen('race:audit:log')).toBe(MAX_LEN);
      await expectAggregatesMatchTheLog('race:');
    } finally {
      raceA.close();
      raceB.close();
      await first.stop();
      await second.stop();
    }
  });
});
