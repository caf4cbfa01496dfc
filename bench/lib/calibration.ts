/**
 * The servers' calibration of their default ef (MNEMO_TARGET_RECALL), as their /metrics show it:
 * whether one will be made, waiting for it, and what it chose.
 */
import type { MnemoChild } from './mnemoChild.js';
import { status } from './progress.js';
import { episodic } from './serverMetrics.js';
import type { ServerSettings } from './serverSettings.js';
import { round } from './stats.js';

/** Longest a run waits for the servers' ef calibration (their check interval is 30 s). */
const CALIBRATION_WAIT_MS = 180_000;

/**
 * Whether a self-started server with these settings calibrates its default ef on an index of
 * `size` memories: with a target recall, once unfiltered searches go through the graph.
 */
export function willCalibrate(settings: ServerSettings, size: number): boolean {
  return settings.targetRecall > 0 && size > settings.exactSearchMaxCandidates;
}

/** A server's calibrated default ef, from its episodic index's gauges. */
export interface EfCalibration {
  /** mnemo_index_ef_default */
  ef: number;
  /** mnemo_index_recall_estimate: estimated recall@10 at that ef. */
  recall: number;
  /** mnemo_index_filtered_ef_scale: factor on the default ef of filtered searches. */
  filteredScale: number;
  /** mnemo_index_memories: the index's size now (not necessarily at the calibration). */
  memories: number | null;
}

/** The calibration in a server's samples; null while it has made none (no recall estimate). */
export function efCalibration(samples: Record<string, number>): EfCalibration | null {
  const recall = episodic(samples, 'mnemo_index_recall_estimate');
  const ef = episodic(samples, 'mnemo_index_ef_default');
  if (recall === null || ef === null) return null;
  return {
    ef,
    recall,
    filteredScale: episodic(samples, 'mnemo_index_filtered_ef_scale') ?? 1,
    memories: episodic(samples, 'mnemo_index_memories'),
  };
}

/**
 * Waits (at most CALIBRATION_WAIT_MS) until every child reports a calibration. A calibration is
 * made on the searches served, at least MNEMO_EF_CALIBRATION_SAMPLES of them, and the harness
 * serves none before its data is loaded: called after a warm-up of that many searches, the
 * calibration awaited is the one of the loaded data. (A child started on a snapshot holding a
 * calibration reports that one at once.)
 */
export async function waitCalibrated(
  children: readonly MnemoChild[],
  quiet: boolean,
): Promise<void> {
  if (children.length === 0) return;
  status('waiting for the servers to calibrate their default ef on the warm-up', quiet);
  const deadline = Date.now() + CALIBRATION_WAIT_MS;
  const done = async (child: MnemoChild): Promise<boolean> =>
    efCalibration(await child.metrics()) !== null;
  while (Date.now() < deadline && !(await Promise.all(children.map(done))).every(Boolean)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** What a server's calibration chose, as a note of the results; null when it made none. */
export async function calibrationNote(child: MnemoChild): Promise<string | null> {
  const c = efCalibration(await child.metrics());
  if (c === null) return null;
  return `the server's default ef, calibrated to MNEMO_TARGET_RECALL (from its /metrics at the end of the run): ef ${c.ef} at an estimated recall@10 of ${round(c.recall, 4)} (filtered default × ${c.filteredScale}), ${c.memories ?? 'unknown'} memories in the index`;
}
