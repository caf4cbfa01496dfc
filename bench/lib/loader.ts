import { performance } from 'node:perf_hooks';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { Dataset } from './dataset.js';
import { Progress } from './progress.js';

/** Vectors up to this many bytes are generated before the clock starts. */
const PREGENERATE_BYTES = 256 * 1024 * 1024;

export interface LoadOptions {
  batch: number;
  inflight: number;
  quiet: boolean;
  label: string;
}

export interface LoadResult {
  memories: number;
  seconds: number;
  /** Memories per second. */
  rate: number;
  batch: number;
  inflight: number;
  /** Whether generating the vectors was inside the timed span (large sets). */
  generationTimed: boolean;
}

/**
 * Writes the data set in batches, `inflight` batches at a time, with a progress bar. `write`
 * stores one batch (UpsertEpisodic through mnemo, or HSETs into another Redis).
 */
export async function loadDataset(
  dataset: Dataset,
  write: (batch: EpisodicMemory[]) => Promise<unknown>,
  options: LoadOptions,
): Promise<LoadResult> {
  const next = dataset.memoryStream();
  const pregenerate = dataset.size * dataset.dim * 4 <= PREGENERATE_BYTES;
  const batches: EpisodicMemory[][] = [];
  if (pregenerate) {
    for (let i = 0; i < dataset.size; i += options.batch) batches.push(next(options.batch));
  }
  const take = (): EpisodicMemory[] =>
    pregenerate ? (batches.shift() ?? []) : next(options.batch);
  const progress = new Progress(options.label, dataset.size, options.quiet);
  let loaded = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.inflight }, async () => {
      for (let batch = take(); batch.length > 0; batch = take()) {
        await write(batch);
        loaded += batch.length;
        progress.update(loaded);
      }
    }),
  );
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  return {
    memories: loaded,
    seconds,
    rate: seconds > 0 ? loaded / seconds : 0,
    batch: options.batch,
    inflight: options.inflight,
    generationTimed: !pregenerate,
  };
}
