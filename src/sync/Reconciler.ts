import type { Logger } from 'pino';
import type { IndexSet } from '../index/IndexSet.js';
import { metrics } from '../metrics/metrics.js';
import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import type { IndexRepairer } from './IndexRepairer.js';

export interface ReconcilerOptions {
  /** Memories checked against Redis per second, at most (0: no reconciliation). */
  perSecond: number;
  /** How often a step runs; each checks perSecond × tickMs / 1000 memories. */
  tickMs: number;
}

/**
 * Walks every memory the indexes hold against Redis, again and again, at a bounded rate, and has
 * the repairer drop those Redis lost without a change entry (expired, evicted, deleted behind
 * mnemo's back where keyspace notifications are off). A full pass takes size ÷ perSecond
 * seconds: that is how long such a memory may stay in the index (never in an answer: a search
 * reads every hit from Redis and leaves the missing out).
 */
export class Reconciler {
  private readonly cursor: Record<MemoryKind, number> = { episodic: 0, semantic: 0 };
  private readonly droppedThisPass: Record<MemoryKind, number> = { episodic: 0, semantic: 0 };
  private timer: NodeJS.Timeout | undefined;
  private step: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly indexes: IndexSet,
    private readonly repairer: IndexRepairer,
    private readonly log: Logger,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    if (this.running || this.options.perSecond <= 0) return;
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.step;
  }

  /**
   * Checks the next memories of each kind, the step's budget shared in proportion to the kinds'
   * label spans (a kind with few memories takes little of it); one step of a pass.
   */
  async runStep(): Promise<void> {
    const budget = Math.max(1, Math.round((this.options.perSecond * this.options.tickMs) / 1000));
    const spans = KINDS.map((kind) => this.indexes.get(kind).labelSpan);
    const total = spans.reduce((sum, span) => sum + span, 0);
    for (const [i, kind] of KINDS.entries()) {
      const index = this.indexes.get(kind);
      const share = Math.max(1, Math.ceil((budget * (spans[i] ?? 0)) / Math.max(1, total)));
      const { held, next } = index.heldFrom(this.cursor[kind], share);
      if (held.length > 0) {
        const dropped = await this.repairer.check(
          kind,
          held.map((memory) => memory.id),
          'reconcile',
        );
        metrics.reconcileChecked.inc({ kind }, held.length);
        this.droppedThisPass[kind] += dropped;
      }
      if (next === null) this.passEnded(kind);
      else this.cursor[kind] = next;
    }
  }

  private passEnded(kind: MemoryKind): void {
    if (this.droppedThisPass[kind] > 0) {
      this.log.info(
        { kind, dropped: this.droppedThisPass[kind] },
        'reconciliation: dropped memories Redis no longer holds',
      );
    }
    metrics.reconcilePasses.inc({ kind });
    this.cursor[kind] = 0;
    this.droppedThisPass[kind] = 0;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.step = this.runStep()
        .catch((error: unknown) => {
          this.log.warn({ err: error }, 'reconciliation step failed: retrying next tick');
        })
        .finally(() => {
          if (this.running) this.schedule();
        });
    }, this.options.tickMs);
    this.timer.unref();
  }
}
