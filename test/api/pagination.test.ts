import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicFilter } from '../../src/generated/mnemo/v1/EpisodicFilter.js';
import type { RecentOrder } from '../../src/generated/mnemo/v1/RecentOrder.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

/** Every page of a paged call, following next_page_token until it is empty. */
async function allPages<T>(
  page: (token: string, i: number) => Promise<{ items: T[]; next: string }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let token = '';
  for (let i = 0; i < 100; i++) {
    const answer = await page(token, i);
    pages.push(answer.items);
    if (answer.next === '') return pages;
    token = answer.next;
  }
  throw new Error('paging did not end');
}

describe('One pagination rule: page_size, page_token, next_page_token', () => {
  let redis: RedisProcess;
  let app: App;
  let memory: MnemoClient;
  let agents: MnemoClient;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis);
    memory = testClient(app.port);
    agents = testClient(app.port);
    await memory.memory.upsertEpisodic({
      memories: Array.from({ length: 23 }, (_, i) => ({
        id: `m-${String(i).padStart(2, '0')}`,
        agent_id: i % 2 === 0 ? 'even' : 'odd',
        state_vector: { values: [1, i, 0, 0, 0, 0, 0, 1] },
        reward: i % 5,
        timestamp: 1000 + i,
      })),
    });
    for (let i = 0; i < 23; i++) {
      await agents.audit.append({
        entry: { agent_id: i % 2 === 0 ? 'even' : 'odd', action: 'fill', wall_time: 100 + i },
      });
    }
  });

  afterAll(async () => {
    memory.close();
    agents.close();
    await app.stop();
    await redis.stop();
  });

  const recent = (
    filter: EpisodicFilter,
    order: RecentOrder = 'RECENT_ORDER_REWARD_DESC',
  ): { filter: EpisodicFilter; order: RecentOrder } => ({ filter, order });

  describe('RecentEpisodic', () => {
    it('pages to the end with any page sizes, as one page would answer', async () => {
      const query = recent({ agent_ids: ['even'] });
      const whole = await memory.memory.recentEpisodic({ ...query, page_size: 100 });
      const sizes = [5, 2, 7, 1, 100];
      const pages = await allPages(async (token, i) => {
        const page = await memory.memory.recentEpisodic({
          ...query,
          page_size: sizes[i] ?? 3,
          page_token: token,
        });
        return { items: page.memories.map((m) => m.id), next: page.next_page_token };
      });
      // 12 memories of agent 'even': pages of 5, 2, then the last 5 (asked for 7).
      expect(pages.map((p) => p.length)).toEqual([5, 2, 5]);
      expect(pages.flat()).toEqual(whole.memories.map((m) => m.id));
      expect(whole.next_page_token).toBe('');
    });

    it('refuses a token with another filter or order, naming page_token', async () => {
      const first = await memory.memory.recentEpisodic({
        ...recent({ agent_ids: ['even'] }),
        page_size: 2,
      });
      for (const other of [
        recent({ agent_ids: ['odd'] }),
        recent({ agent_ids: ['even'] }, 'RECENT_ORDER_TIMESTAMP_DESC'),
        recent({ agent_ids: ['even'], reward: { min: 1 } }),
      ]) {
        const error = await failure(
          memory.memory.recentEpisodic({
            ...other,
            page_size: 2,
            page_token: first.next_page_token,
          }),
        );
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message).toMatch(/^page_token: was issued for another query/);
        expect(error.field).toBe('page_token');
      }
    });

    it('still reads the deprecated limit', async () => {
      const page = await memory.memory.recentEpisodic({
        ...recent({ agent_ids: ['odd'] }),
        limit: 4,
      });
      expect(page.memories).toHaveLength(4);
    });
  });

  describe('AuditService.Range', () => {
    it('pages to the end with any page sizes, as one page would answer', async () => {
      const whole = await agents.audit.range({ agent_id: 'odd', page_size: 100 });
      expect(whole.records).toHaveLength(11);
      const pages = await allPages(async (token, i) => {
        const page = await agents.audit.range({
          agent_id: 'odd',
          page_size: [3, 1, 4][i] ?? 2,
          page_token: token,
        });
        return { items: page.records.map((r) => r.id), next: page.next_page_token };
      });
      expect(pages.flat()).toEqual(whole.records.map((r) => r.id));
      expect(pages[0]).toHaveLength(3);
      expect(pages[1]).toHaveLength(1);
    });

    it('refuses a token with another agent, action or time range, naming page_token', async () => {
      const first = await agents.audit.range({ agent_id: 'odd', page_size: 2 });
      expect(first.next_page_token).not.toBe('');
      for (const other of [
        { agent_id: 'even' },
        { agent_id: 'odd', action: 'order' },
        { agent_id: 'odd', from_time: 105 },
      ]) {
        const error = await failure(
          agents.audit.range({ ...other, page_size: 2, page_token: first.next_page_token }),
        );
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.message).toMatch(/^page_token: was issued for another query/);
      }
    });

    it('still pages with the deprecated count and next_start_id', async () => {
      const first = await agents.audit.range({ agent_id: 'even', count: 5 });
      expect(first.records).toHaveLength(5);
      const second = await agents.audit.range({
        agent_id: 'even',
        count: 5,
        start_id: first.next_start_id,
      });
      const whole = await agents.audit.range({ agent_id: 'even', page_size: 10 });
      expect([...first.records, ...second.records].map((r) => r.id)).toEqual(
        whole.records.map((r) => r.id),
      );
    });

    it('refuses a token that is not one', async () => {
      const error = await failure(agents.audit.range({ page_token: 'not-a-token' }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.message).toMatch(/^page_token: /);
    });
  });
});
