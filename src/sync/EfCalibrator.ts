import type { Logger } from 'pino';
import { metrics } from '../metrics/metrics.js';
import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import type { IndexSet } from '../index/IndexSet.js';
import type { EfCalibration } from '../index/EfTuner.js';

export interface EfCalibratorOptions {
  /** Recall@10 the default ef must reach; 0 = no calibration (the configured ef stays). */
  targetRecall: number;
  /** How often the indexes' sizes are looked at. */
  checkIntervalMs: number;
  /** Recent searches replayed as the queries of one calibration. */
  samples: number;
}

/**
 * A graph index answers worse at a fixed ef as it grows, so the default ef is measured rather
 * than fixed: each index is calibrated (MemoryIndex.calibrateEf) when it is first large enough
 * for graph searches, again whenever its size has changed by a quarter since, once more when
 * filtered searches arrive after a calibration that had none, and once a rebuilt index that took
 * over its predecessor's calibration can be measured itself; one index at a time, in the
 * background.
 */
export class EfCalibrator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** Calibrations without a filtered measurement that filtered searches were already tried on. */
  private readonly filteredTried = new WeakSet<EfCalibration>();

  constructor(
    private readonly indexes: IndexSet,
    private readonly options: EfCalibratorOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.options.targetRecall <= 0 || this.timer !== undefined) return;
    for (const kind of KINDS) this.publish(kind);
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref();
    void this.check();
  }

  /** Stops checking; a calibration under way ends at its next step, changing nothing. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running;
  }

  /** Calibrates every index that needs it now (at most one run at a time). */
  check(): Promise<void> {
    this.running ??= this.calibrateDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async calibrateDue(): Promise<void> {
    for (const kind of KINDS) {
      if (this.stopping.signal.aborted) return;
      const index = this.indexes.get(kind);
      const last = index.efCalibration;
      const sameSize =
        last !== null && index.size < 1.25 * last.size && index.size > last.size / 1.25;
      // Filtered searches that came after the last calibration, which had none to measure.
      const filteredDue =
        last !== null &&
        last.filteredRecall === null &&
        !this.filteredTried.has(last) &&
        index.recentFilteredSearches >= this.options.samples / 4;
      if (sameSize && !filteredDue && !index.calibrationInherited) continue;
      const startedAt = performance.now();
      try {
        const result = await index.calibrateEf(
          this.options.targetRecall,
          this.options.samples,
          this.stopping.signal,
        );
        if (result === null) continue;
        // Tried once: only a change of size calibrates again (no retry every check).
        if (result.filteredRecall === null && filteredDue) this.filteredTried.add(result);
        // A rebuild may have swapped the index meanwhile: the new one calibrates on a later check.
        this.publish(kind);
        this.log.info(
          {
            kind,
            ef: result.ef,
            recall: Number(result.recall.toFixed(4)),
            filteredScale: result.filteredScale,
            filteredRecall:
              result.filteredRecall === null ? null : Number(result.filteredRecall.toFixed(4)),
            size: result.size,
            ms: Math.round(performance.now() - startedAt),
          },
          'default ef calibrated',
        );
      } catch (error) {
        this.log.warn({ kind, err: error }, 'ef calibration failed; the previous default stays');
      }
    }
  }

  private publish(kind: MemoryKind): void {
    const index = this.indexes.get(kind);
    metrics.efDefault.set({ kind }, index.defaultEf);
    metrics.filteredEfScale.set({ kind }, index.efCalibration?.filteredScale ?? 1);
    const recall = index.efCalibration?.recall;
    if (recall !== undefined) metrics.recallEstimate.set({ kind }, recall);
  }
}
