import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisProcess } from '../../../src/app/RedisProcess.js';
import type { AuditEntry } from '../../../src/generated/mnemo/v1/AuditEntry.js';
import { startAgentServer, startOwnRedis, type AgentServer } from '../../support/agentServer.js';
import { testClient } from '../../support/testApp.js';
import type { MnemoClient } from '../../../src/client/index.js';

const BASE = 1_700_000_000;

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { agent_id: 'agent-1', action: 'fill', pnl: 1, wall_time: BASE, ...overrides };
}

describe('AuditService tx_id deduplication per agent', () => {
  let redis: RedisProcess;
  let server: AgentServer;
  let client: MnemoClient;

  beforeAll(async () => {
    redis = await startOwnRedis();
    server = await startAgentServer(redis, {
      MNEMO_KEY_PREFIX: 'a1:',
      MNEMO_AUDIT_MAX_LEN: '1000',
    });
    client = testClient(server.port);
  });

  afterAll(async () => {
    client.close();
    await server.stop();
    await redis.stop();
  });

  it("logs two agents' identical tx_ids, each once", async () => {
    const alice = await client.audit.append({
      entry: entry({ agent_id: 'alice', tx_id: 'order-1' }),
    });
    const bob = await client.audit.append({
      entry: entry({ agent_id: 'bob', tx_id: 'order-1' }),
    });
    expect([alice.duplicate, bob.duplicate]).toEqual([false, false]);
    expect(bob.id).not.toBe(alice.id);
    const retry = await client.audit.append({
      entry: entry({ agent_id: 'alice', tx_id: 'order-1' }),
    });
    expect(retry).toEqual({ id: alice.id, duplicate: true });
  });

  it('still knows the tx_ids logged before they were per agent, as their agent logged them', async () => {
    // An entry as an older mnemo logged it: its tx_id in the log-wide index.
    const id = await server.raw.xadd(
      'a1:audit:log',
      '*',
      'agent_id',
      'carol',
      'action',
      'fill',
      'market',
      '',
      'amount',
      '0',
      'status',
      '',
      'tx_id',
      'old-7',
      'pnl',
      '0',
      'wall_time',
      String(BASE),
      'meta',
      '',
    );
    await server.raw.hset('a1:audit:tx', 'old-7', id ?? '');
    const carol = await client.audit.append({
      entry: entry({ agent_id: 'carol', tx_id: 'old-7' }),
    });
    expect(carol).toEqual({ id, duplicate: true });
    const dave = await client.audit.append({
      entry: entry({ agent_id: 'dave', tx_id: 'old-7' }),
    });
    expect(dave.duplicate).toBe(false);
  });

  it('trims old entries out of both dedup indexes', async () => {
    const id = await server.raw.xadd('a1:audit:log', '*', 'agent_id', 'erin', 'tx_id', 'old-9');
    await server.raw.hset('a1:audit:tx', 'old-9', id ?? '');
    const many = Array.from({ length: 1100 }, (_, i) => ({
      agentId: 'frank',
      action: 'fill',
      market: '',
      amount: 0,
      status: '',
      txId: `t-${i}`,
      pnl: 0,
      wallTime: BASE,
      meta: '',
    }));
    await server.services.audit.appendMany(many);
    await server.services.audit.trim();
    expect(await server.raw.xlen('a1:audit:log')).toBe(1000);
    expect(await server.raw.hget('a1:audit:tx', 'old-9')).toBeNull();
    expect(await server.raw.hlen('a1:audit:txa')).toBe(1000);
    const again = await client.audit.append({ entry: entry({ agent_id: 'erin', tx_id: 'old-9' }) });
    expect(again.duplicate).toBe(false);
  });
});
