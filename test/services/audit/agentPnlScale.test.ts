import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import type { AuditEntry } from '../../../src/model/AuditEntry.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { testClient } from '../../support/testApp.js';
import type { MnemoClient } from '../../../src/client/index.js';

const ENTRIES = 1_000_000;
const AGENTS = 20;
const BATCH = 1000;
const IN_FLIGHT = 8;
const BASE = 1_700_000_000;
const SPAN = 60 * 86_400;
const WATCHED = 'agent-7';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function microText(micro: bigint): string {
  const abs = micro < 0n ? -micro : micro;
  return `${micro < 0n ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

describe('AuditService AgentPnl on a long log', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;
  /** The watched agent's entries, as the test generated them. */
  const times: number[] = [];
  const micros: bigint[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, {
      MNEMO_KEY_PREFIX: 'big:',
      MNEMO_AUDIT_MAX_LEN: String(2 * ENTRIES),
    });
    client = testClient(server.port);

    // 1M entries, out-of-order wall_time over 60 days, pnl with six decimals, written in bulk
    // through the same append script the RPC uses (1000 entries per call, 8 calls in flight).
    const random = mulberry32(2024);
    let inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < ENTRIES; i += BATCH) {
      const batch: AuditEntry[] = [];
      for (let j = 0; j < BATCH; j++) {
        const agentId = `agent-${(i + j) % AGENTS}`;
        const micro = Math.floor(random() * 2_000_000_000) - 1_000_000_000;
        const wallTime = BASE + Math.floor(random() * SPAN) + Math.floor(random() * 1000) / 1000;
        if (agentId === WATCHED) {
          times.push(wallTime);
          micros.push(BigInt(micro));
        }
        batch.push({
          agentId,
          action: 'fill',
          market: 'BTC-USD',
          amount: 1,
          status: 'filled',
          txId: '',
          pnl: micro / 1e6,
          wallTime,
          meta: '',
        });
      }
      inFlight.push(server.services.audit.appendMany(batch));
      if (inFlight.length >= IN_FLIGHT) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    await Promise.all(inFlight);
  }, 300_000);

  afterAll(async () => {
    client.close();
    await server?.stop();
    await redis?.stop();
  });

  it('answers exactly in under 50 ms with 1,000,000 entries in the stream', async () => {
    expect(await server.raw.xlen('big:audit:log')).toBe(ENTRIES);
    const bounds: [number, number][] = [
      [0, 0],
      [BASE + 12_345.678, BASE + 40 * 86_400 + 0.5],
      [BASE + 5 * 86_400 + 3599.999, 0],
      [0, BASE + 86_400.001],
      [BASE + 1000.25, BASE + 1000.75],
      [times[100] ?? 0, times[100] ?? 0],
    ];
    await client.audit.agentPnl({ agent_id: WATCHED });
    for (const [from, to] of bounds) {
      let micro = 0n;
      let entries = 0;
      for (let i = 0; i < times.length; i++) {
        const t = times[i] ?? 0;
        if ((from === 0 || t >= from) && (to === 0 || t <= to)) {
          micro += micros[i] ?? 0n;
          entries++;
        }
      }
      const started = performance.now();
      const answer = await client.audit.agentPnl({
        agent_id: WATCHED,
        from_time: from,
        to_time: to,
      });
      const ms = performance.now() - started;
      expect(answer, `[${from}, ${to}]`).toEqual({
        total_pnl: Number(microText(micro)),
        entries,
      });
      expect(ms, `[${from}, ${to}] took ${ms.toFixed(1)} ms`).toBeLessThan(50);
    }
    expect(times.length).toBe(ENTRIES / AGENTS);
  });
});
