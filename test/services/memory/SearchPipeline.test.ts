import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DomainError } from '../../../src/model/errors.js';
import type { MemoryKind } from '../../../src/model/MemoryRecord.js';
import type { SearchHit, SearchRequest } from '../../../src/services/memory/MemoryService.js';
import { searchDedup } from '../../../src/services/memory/searchDedup.js';
import { SearchPipeline, type Answers } from '../../../src/services/memory/SearchPipeline.js';

function request(seed: number, overrides: Partial<SearchRequest> = {}): SearchRequest {
  return {
    vector: Float32Array.of(seed, 1, 2, 3),
    k: 5,
    filter: { tags: {}, ranges: {} },
    efRuntime: 0,
    exact: false,
    includeVectors: false,
    touch: false,
    ...overrides,
  };
}

/** An executor that records its batches and answers when the test says so. */
function recordingExecutor() {
  const batches: SearchRequest[][] = [];
  const releases: (() => void)[] = [];
  const searchedCalls: (() => void)[] = [];
  const execute = vi.fn(
    (
      _kind: MemoryKind,
      requests: readonly SearchRequest[],
      _deadlineMs: number,
      searched: () => void,
    ): Promise<SearchHit[][]> => {
      batches.push([...requests]);
      searchedCalls.push(searched);
      return new Promise((resolve) => {
        releases.push(() => {
          resolve(
            requests.map((r) => [
              {
                record: {
                  id: `hit-${r.vector[0]}`,
                  vector: r.vector,
                  tags: {},
                  numbers: {},
                  payload: Buffer.alloc(0),
                },
                distance: 0,
              },
            ]),
          );
        });
      });
    },
  );
  const releaseAll = () => {
    for (const release of releases.splice(0)) release();
  };
  /** The running batches' searches leave the cores (they would wait on Redis now). */
  const leaveCores = () => {
    for (const searched of searchedCalls.splice(0)) searched();
  };
  return { execute, batches, releaseAll, leaveCores };
}

const NO_DEADLINE = { deadlineMs: Infinity };

describe('SearchPipeline', () => {
  let position = '1-0';
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    position = '1-0';
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function pipeline(
    executor: ReturnType<typeof recordingExecutor>,
    windowMs = 10,
    maxBatch = 4,
    maxConcurrentBatches = 1,
    maxSearching = Infinity,
  ) {
    return new SearchPipeline(executor.execute, {
      dedup: searchDedup,
      windowMs,
      maxBatch,
      maxConcurrentBatches,
      maxSearching,
      position: () => position,
    });
  }

  it('runs a lone search at once: it pays no window', async () => {
    const executor = recordingExecutor();
    const search = pipeline(executor).submit('episodic', request(1), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    expect(executor.batches).toHaveLength(1);
    executor.releaseAll();
    expect((await search)[0]?.record.id).toBe('hit-1');
  });

  it('gathers searches arriving while a batch runs into one batch, flushed by the window', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64);
    const first = p.submit('episodic', request(1), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    const rest = [2, 3, 4, 5, 6].map((i) => p.submit('episodic', request(i), NO_DEADLINE));
    await vi.advanceTimersByTimeAsync(9);
    expect(executor.batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 5]);
    executor.releaseAll();
    const answers = await Promise.all([first, ...rest]);
    expect(answers.map((a) => a[0]?.record.id)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `hit-${i}`));
  });

  it('starts a batch at once while a batch slot is free, then gathers the rest', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64, 2);
    const all = [0, 1, 2, 3, 4].map((i) => p.submit('episodic', request(i), NO_DEADLINE));
    expect(executor.batches.map((b) => b.length)).toEqual([1, 1]);
    executor.releaseAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 1, 3]);
    executor.releaseAll();
    expect((await Promise.all(all)).map((a) => a[0]?.record.id)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `hit-${i}`),
    );
  });

  it('keeps searches arriving while a batch is on the cores for one next batch, a slot free or not', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64, 2, 1);
    const all = [0, 1, 2, 3, 4].map((i) => p.submit('episodic', request(i), NO_DEADLINE));
    expect(executor.batches.map((b) => b.length)).toEqual([1]);
    executor.leaveCores();
    expect(executor.batches.map((b) => b.length)).toEqual([1, 4]);
    executor.releaseAll();
    expect((await Promise.all(all)).map((a) => a[0]?.record.id)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `hit-${i}`),
    );
  });

  it('starts batches at once while those on the cores hold fewer searches than the slots', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64, 8, 3);
    for (let i = 0; i < 5; i++) void p.submit('episodic', request(i), NO_DEADLINE);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 1, 1]);
    await vi.advanceTimersByTimeAsync(10);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 1, 1, 2]);
    executor.releaseAll();
  });

  it('gives the search slots of a batch that failed on the cores back', async () => {
    const execute = vi.fn((_kind: MemoryKind, requests: readonly SearchRequest[]) =>
      requests[0]?.vector[0] === 0
        ? Promise.reject(new Error('index failed'))
        : Promise.resolve(requests.map(() => [] as SearchHit[])),
    );
    const p = new SearchPipeline(execute, {
      dedup: searchDedup,
      windowMs: 1000,
      maxBatch: 64,
      maxConcurrentBatches: 2,
      maxSearching: 1,
      position: () => position,
    });
    const failed = p.submit('episodic', request(0), NO_DEADLINE);
    const next = p.submit('episodic', request(1), NO_DEADLINE);
    expect(execute).toHaveBeenCalledTimes(1);
    await expect(failed).rejects.toThrow('index failed');
    expect(await next).toEqual([]);
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('flushes a batch as soon as it is full', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 1000, 4);
    void p.submit('episodic', request(0), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 1; i <= 4; i++) void p.submit('episodic', request(i), NO_DEADLINE);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 4]);
    executor.releaseAll();
  });

  it('runs what queued as soon as the running batch ends', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 1000, 64);
    void p.submit('episodic', request(0), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    void p.submit('episodic', request(1), NO_DEADLINE);
    void p.submit('episodic', request(2), NO_DEADLINE);
    executor.releaseAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 2]);
    executor.releaseAll();
  });

  it('flushes early enough for a search whose deadline falls inside the window', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 50, 64);
    void p.submit('episodic', request(0), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    const urgent = p.submit('episodic', request(1), { deadlineMs: Date.now() + 20 });
    await vi.advanceTimersByTimeAsync(18);
    expect(executor.batches).toHaveLength(2);
    executor.releaseAll();
    expect((await urgent)[0]?.record.id).toBe('hit-1');
  });

  it('drops a search whose deadline has passed with DEADLINE_EXCEEDED, without executing it', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 50, 64);
    await expect(
      p.submit('episodic', request(1), { deadlineMs: Date.now() - 1 }),
    ).rejects.toMatchObject({ kind: 'deadline_exceeded' });
    void p.submit('episodic', request(0), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    const late = p.submit('episodic', request(2), { deadlineMs: Date.now() + 1 });
    const outcome = late.catch((error: unknown) => error);
    vi.setSystemTime(Date.now() + 5);
    executor.releaseAll();
    await vi.advanceTimersByTimeAsync(0);
    expect(await outcome).toBeInstanceOf(DomainError);
    expect(executor.batches.flat().map((r) => r.vector[0])).toEqual([0]);
  });

  it('drops a cancelled search without executing it', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 50, 64);
    void p.submit('episodic', request(0), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    const controller = new AbortController();
    const cancelled = p.submit('episodic', request(1), {
      deadlineMs: Infinity,
      signal: controller.signal,
    });
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ kind: 'cancelled' });
    executor.releaseAll();
    await vi.advanceTimersByTimeAsync(100);
    expect(executor.batches.flat().map((r) => r.vector[0])).toEqual([0]);
  });

  it('executes identical searches in flight once and answers them all', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64);
    const all = Array.from({ length: 64 }, () => p.submit('episodic', request(7), NO_DEADLINE));
    await vi.advanceTimersByTimeAsync(0);
    executor.releaseAll();
    const answers = await Promise.all(all);
    expect(executor.execute).toHaveBeenCalledTimes(1);
    expect(executor.batches.flat()).toHaveLength(1);
    expect(answers.every((a) => a[0]?.record.id === 'hit-7')).toBe(true);
  });

  it('never merges touch searches, nor searches of another kind, k or filter (bounds included)', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64);
    void p.submit('semantic', request(1, { touch: true }), NO_DEADLINE);
    void p.submit('semantic', request(1, { touch: true }), NO_DEADLINE);
    void p.submit('episodic', request(1), NO_DEADLINE);
    void p.submit('semantic', request(1), NO_DEADLINE);
    void p.submit('episodic', request(1, { k: 6 }), NO_DEADLINE);
    void p.submit(
      'episodic',
      request(1, { filter: { tags: { agent_id: ['a'] }, ranges: {} } }),
      NO_DEADLINE,
    );
    // Bounds JSON would write alike (null): reward ≥ −∞ passes all, reward ≥ +∞ none.
    for (const min of [-Infinity, Infinity]) {
      const reward = { min, minExclusive: false, maxExclusive: false };
      void p.submit(
        'episodic',
        request(1, { filter: { tags: {}, ranges: { reward } } }),
        NO_DEADLINE,
      );
    }
    await vi.advanceTimersByTimeAsync(10);
    expect(executor.batches.flat()).toHaveLength(8);
    executor.releaseAll();
  });

  it('merges equal vectors wherever they lie in memory, and never vectors that differ at all', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64);
    const inside = new Float32Array(12);
    inside.set([7, 1, 2, 3], 5);
    const variants = [
      Float32Array.of(7, 1, 2, 3),
      inside.subarray(5, 9), // the same values at another offset of another buffer: merged
      Float32Array.of(7, 1, 2, 3.0000002), // one ulp away
      Float32Array.of(7, 1, 2, 3, 0), // one more component
      Float32Array.of(7, 1, -0, 3),
      Float32Array.of(7, 1, 0, 3),
    ];
    for (const vector of variants) void p.submit('episodic', request(0, { vector }), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(10);
    expect(executor.batches.flat()).toHaveLength(5);
    executor.releaseAll();
  });

  it('does not let a search join one that started before a write was applied', async () => {
    const executor = recordingExecutor();
    const p = pipeline(executor, 10, 64);
    void p.submit('episodic', request(1), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(0);
    void p.submit('episodic', request(1), NO_DEADLINE);
    position = '2-0';
    void p.submit('episodic', request(1), NO_DEADLINE);
    await vi.advanceTimersByTimeAsync(10);
    expect(executor.batches.map((b) => b.length)).toEqual([1, 1]);
    executor.releaseAll();
  });

  describe('with answers kept from earlier executions', () => {
    /** Answers keyed by dedup key, valid while `revision` is what they were stamped with. */
    function keptAnswers() {
      let revision = 1;
      const kept = new Map<string, { stamp: number; result: SearchHit[] }>();
      const get = vi.fn((_kind: MemoryKind, key: string) => {
        const entry = kept.get(key);
        return entry?.stamp === revision ? entry.result : undefined;
      });
      const answers: Answers<MemoryKind, SearchRequest, SearchHit[]> = {
        get,
        stamp: () => revision,
        keep: (_kind, key, _request, result, stamp) => {
          kept.set(key, { stamp, result });
        },
      };
      return { answers, get, kept, write: () => revision++ };
    }

    function cachedPipeline(
      executor: ReturnType<typeof recordingExecutor>,
      answers: Answers<MemoryKind, SearchRequest, SearchHit[]>,
    ) {
      return new SearchPipeline(executor.execute, {
        dedup: searchDedup,
        windowMs: 10,
        maxBatch: 4,
        maxConcurrentBatches: 1,
        maxSearching: Infinity,
        position: () => position,
        answers,
      });
    }

    it('answers a search answered before without executing it, with that answer', async () => {
      const executor = recordingExecutor();
      const { answers } = keptAnswers();
      const p = cachedPipeline(executor, answers);
      const first = p.submit('episodic', request(1), NO_DEADLINE);
      await vi.advanceTimersByTimeAsync(0);
      executor.releaseAll();
      const answer = await first;
      expect(await p.submit('episodic', request(1), NO_DEADLINE)).toBe(answer);
      expect(executor.batches).toHaveLength(1);
    });

    it('keeps an answer with the stamp taken before its batch executed', async () => {
      const executor = recordingExecutor();
      const { answers, kept, write } = keptAnswers();
      const p = cachedPipeline(executor, answers);
      const first = p.submit('episodic', request(1), NO_DEADLINE);
      await vi.advanceTimersByTimeAsync(0);
      write(); // applied while the search executed: its answer may be older than the write
      executor.releaseAll();
      await first;
      expect([...kept.values()].map((e) => e.stamp)).toEqual([1]);
      void p.submit('episodic', request(1), NO_DEADLINE);
      await vi.advanceTimersByTimeAsync(0);
      expect(executor.batches).toHaveLength(2);
      executor.releaseAll();
    });

    it('neither asks nor keeps answers of touch searches', async () => {
      const executor = recordingExecutor();
      const { answers, get, kept } = keptAnswers();
      const p = cachedPipeline(executor, answers);
      const touch = p.submit('semantic', request(1, { touch: true }), NO_DEADLINE);
      await vi.advanceTimersByTimeAsync(0);
      executor.releaseAll();
      await touch;
      expect(get).not.toHaveBeenCalled();
      expect(kept.size).toBe(0);
    });
  });
});
