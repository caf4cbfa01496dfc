import { metrics } from '../../metrics/metrics.js';
import type { CancelSignal } from '../../model/Cancellation.js';
import { DomainError } from '../../model/errors.js';

/** What the pipeline knows of the call behind a search. */
export interface SearchContext {
  /** Absolute deadline, epoch ms (Infinity = none). */
  readonly deadlineMs: number;
  readonly signal?: CancelSignal;
}

/**
 * Executes one batch of searches of one group: one result per request, in request order. It
 * calls `searched` (at most once) when its searches leave the cores, before it waits on anything
 * else (Redis); a batch that never calls it holds its search slots until it ends.
 */
export type BatchExecutor<Group, Request, Result> = (
  group: Group,
  requests: readonly Request[],
  deadlineMs: number,
  searched: () => void,
) => Promise<Result[]>;

/** Which searches are identical, so that one execution answers them all. */
export interface Dedup<Group, Request> {
  /** A key equal for identical searches (it may collide); null for one never merged. */
  key(group: Group, request: Request): string | null;
  /** Whether two searches of one key are really identical. */
  same(a: Request, b: Request): boolean;
}

/** Answers of earlier executions that may answer an identical search again (see ResultCache). */
export interface Answers<Group, Request, Result> {
  /** A kept answer of an identical search (same dedup key, and `same` request) still valid. */
  get(group: Group, key: string, request: Request): Result | undefined;
  /** What an answer's validity is judged by, taken right before its group executes. */
  stamp(group: Group, request: Request): number;
  /** Keeps the answer of a search that executed from `stamp` on. */
  keep(group: Group, key: string, request: Request, result: Result, stamp: number): void;
}

export interface PipelineOptions<Group, Request, Result> {
  dedup: Dedup<Group, Request>;
  /** Where searches with a dedup key are answered from when they can, and their answers kept. */
  answers?: Answers<Group, Request, Result>;
  /** Longest a search waits for others to join its batch (an upper bound, not a toll). */
  windowMs: number;
  /** Most searches in one batch. */
  maxBatch: number;
  /**
   * Batches that may execute at once: while one waits on Redis another uses the cores. A search
   * arriving while fewer run starts a batch at once; otherwise it waits for a slot or the window.
   */
  maxConcurrentBatches: number;
  /**
   * Searches that may be on the cores at once (in batches that have not yet called `searched`):
   * while batches hold this many, a search arriving waits for the next batch even when a batch
   * slot is free, so that searches arriving during a batch's index work join one batch instead
   * of each taking the cores from it alone. Infinity: batch slots alone decide.
   */
  maxSearching: number;
  /** Position of the index's change follower: a search may join another in flight only if no write was applied since that one started (read-your-writes). */
  position: () => string;
}

interface Waiter<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  deadlineMs: number;
  signal: CancelSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface Entry<Group, Request, Result> {
  group: Group;
  request: Request;
  /** Dedup key; null for searches never merged. */
  key: string | null;
  waiters: Waiter<Result>[];
  /** Follower position when the entry started executing (null while queued). */
  startedAt: string | null;
}

/**
 * Every search goes through here: one answered shortly before may be answered again (`answers`),
 * identical searches in flight are executed once (deduplication), and searches arriving close
 * together run as one batch — flushed when full, when the window ends, before a member's
 * deadline, or at once when a batch slot is free, so a lone search pays no window.
 */
export class SearchPipeline<Group, Request, Result> {
  private queue: Entry<Group, Request, Result>[] = [];
  private readonly pending = new Map<string, Entry<Group, Request, Result>>();
  private executing = 0;
  /** Searches of executing batches that have not left the cores (maxSearching). */
  private searching = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly idle = new Set<() => void>();
  /** Smoothed execution time of a batch, to flush early enough for deadlines. */
  private batchMs = 1;

  constructor(
    private readonly execute: BatchExecutor<Group, Request, Result>,
    private readonly options: PipelineOptions<Group, Request, Result>,
  ) {}

  submit(group: Group, request: Request, context: SearchContext): Promise<Result> {
    if (context.signal?.aborted) return Promise.reject(cancelled());
    if (Date.now() >= context.deadlineMs) return Promise.reject(deadlineExceeded());
    const key = this.options.dedup.key(group, request);
    const answers = this.options.answers;
    if (key !== null && answers !== undefined) {
      const kept = answers.get(group, key, request);
      if (kept !== undefined) return Promise.resolve(kept);
    }
    return new Promise<Result>((resolve, reject) => {
      const waiter: Waiter<Result> = {
        resolve,
        reject,
        deadlineMs: context.deadlineMs,
        signal: context.signal,
        onAbort: undefined,
      };
      const existing = key === null ? undefined : this.pending.get(key);
      if (
        existing !== undefined &&
        this.canJoin(existing) &&
        this.options.dedup.same(existing.request, request)
      ) {
        metrics.dedupCoalesced.inc();
        this.attach(existing, waiter);
        return;
      }
      const entry: Entry<Group, Request, Result> = {
        group,
        request,
        key,
        waiters: [],
        startedAt: null,
      };
      this.attach(entry, waiter);
      if (key !== null) this.pending.set(key, entry);
      this.queue.push(entry);
      this.schedule(context.deadlineMs);
    });
  }

  /** Runs everything queued now and resolves once no batch is executing (for shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0) this.flush();
    if (this.executing === 0) return;
    await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  /** Whether a batch may start now: a batch slot is free and the cores are not taken. */
  private canStart(): boolean {
    return (
      this.executing < this.options.maxConcurrentBatches &&
      this.searching < this.options.maxSearching
    );
  }

  /** Runs what is queued when a batch may start now. */
  private flushIfFree(): void {
    if (this.queue.length > 0 && this.canStart()) this.flush();
  }

  private canJoin(entry: Entry<Group, Request, Result>): boolean {
    return entry.startedAt === null || entry.startedAt === this.options.position();
  }

  private attach(entry: Entry<Group, Request, Result>, waiter: Waiter<Result>): void {
    entry.waiters.push(waiter);
    if (waiter.signal !== undefined) {
      waiter.onAbort = () => {
        this.detach(entry, waiter);
        waiter.reject(cancelled());
      };
      waiter.signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
  }

  private detach(entry: Entry<Group, Request, Result>, waiter: Waiter<Result>): void {
    entry.waiters = entry.waiters.filter((w) => w !== waiter);
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    if (entry.waiters.length === 0 && entry.startedAt === null) {
      this.queue = this.queue.filter((e) => e !== entry);
      this.forget(entry);
    }
  }

  private forget(entry: Entry<Group, Request, Result>): void {
    if (entry.key !== null && this.pending.get(entry.key) === entry) this.pending.delete(entry.key);
  }

  private schedule(deadlineMs: number): void {
    // Full, no window, or a free batch slot: run now (a lone search pays no window at all).
    if (
      this.queue.length >= this.options.maxBatch ||
      this.options.windowMs === 0 ||
      this.canStart()
    ) {
      this.flush();
      return;
    }
    const margin = Math.max(1, 2 * this.batchMs);
    const at = Math.min(Date.now() + this.options.windowMs, deadlineMs - margin);
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        if (this.queue.length > 0) this.flush();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
    }
    const now = Date.now();
    const batch: Entry<Group, Request, Result>[] = [];
    while (this.queue.length > 0 && batch.length < this.options.maxBatch) {
      const entry = this.queue.shift() as Entry<Group, Request, Result>;
      for (const waiter of entry.waiters) {
        if (now >= waiter.deadlineMs) {
          this.detach(entry, waiter);
          waiter.reject(deadlineExceeded());
        }
      }
      if (entry.waiters.length > 0) batch.push(entry);
    }
    if (batch.length > 0) void this.run(batch);
  }

  private async run(batch: Entry<Group, Request, Result>[]): Promise<void> {
    this.executing++;
    metrics.batchSize.observe(batch.length);
    const position = this.options.position();
    for (const entry of batch) entry.startedAt = position;
    const started = performance.now();
    const groups = new Map<Group, Entry<Group, Request, Result>[]>();
    for (const entry of batch) {
      const members = groups.get(entry.group) ?? [];
      members.push(entry);
      groups.set(entry.group, members);
    }
    await Promise.all(
      [...groups].map(async ([group, entries]) => {
        const deadlineMs = Math.max(...entries.flatMap((e) => e.waiters.map((w) => w.deadlineMs)));
        let holding = entries.length;
        this.searching += holding;
        const release = (): void => {
          this.searching -= holding;
          holding = 0;
        };
        const searched = (): void => {
          release();
          this.flushIfFree();
        };
        try {
          const answers = this.options.answers;
          const stamps = entries.map((e) =>
            e.key === null ? 0 : (answers?.stamp(group, e.request) ?? 0),
          );
          const results = await this.execute(
            group,
            entries.map((e) => e.request),
            deadlineMs,
            searched,
          );
          entries.forEach((entry, i) => {
            const result = results[i] as Result;
            if (entry.key !== null) {
              answers?.keep(group, entry.key, entry.request, result, stamps[i] ?? 0);
            }
            this.settle(entry, (w) => {
              w.resolve(result);
            });
          });
        } catch (error) {
          for (const entry of entries) {
            this.settle(entry, (w) => {
              w.reject(error instanceof Error ? error : new Error(String(error)));
            });
          }
        } finally {
          release();
        }
      }),
    );
    this.batchMs = 0.8 * this.batchMs + 0.2 * (performance.now() - started);
    this.executing--;
    this.flushIfFree();
    if (this.executing === 0 && this.queue.length === 0) {
      for (const resolve of this.idle) resolve();
      this.idle.clear();
    }
  }

  private settle(
    entry: Entry<Group, Request, Result>,
    outcome: (waiter: Waiter<Result>) => void,
  ): void {
    this.forget(entry);
    for (const waiter of entry.waiters) {
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      outcome(waiter);
    }
    entry.waiters = [];
  }
}

function cancelled(): DomainError {
  return new DomainError('cancelled', 'the call was cancelled');
}

function deadlineExceeded(): DomainError {
  return new DomainError('deadline_exceeded', 'the deadline passed before the search could run');
}
