import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AttributeSnapshot } from './AttributeIndex.js';
import type { EfCalibration } from './EfTuner.js';
import type { VectorPrecision } from './HnswEngine.js';
import type { SavedLabels } from './LabelMap.js';
import type { SavedPayloads } from './PayloadColumn.js';
import type { OutcomeVersion } from '../model/MemoryRecord.js';

/** The files of one saved index in its directory: the graph, and everything else. */
export const GRAPH_FILE = 'graph.hnsw';
const STATE_FILE = 'state.v8';

const SNAPSHOT_VERSION = 2;

/** What an index keeps beside its graph. */
export interface SavedState extends SavedLabels {
  kind: string;
  dim: number;
  precision: VectorPrecision;
  attributes: AttributeSnapshot;
  efCalibration: EfCalibration | null;
  /** Earlier outcomes of revised memories, by id (absent in snapshots of earlier versions). */
  versions?: [string, readonly OutcomeVersion[]][];
  /** Payloads held beside the attributes (absent in snapshots of earlier versions: none held). */
  payloads?: SavedPayloads;
}

/** What a saved index must match to be loaded. */
export interface Expected {
  kind: string;
  dim: number;
  precision: VectorPrecision;
}

export async function writeState(dir: string, state: SavedState): Promise<void> {
  await writeFile(join(dir, STATE_FILE), serialize({ version: SNAPSHOT_VERSION, ...state }));
}

/** Reads the state written by writeState; throws when it does not fit `expected`. */
export async function readState(dir: string, expected: Expected): Promise<SavedState> {
  const state = deserialize(await readFile(join(dir, STATE_FILE))) as StoredState;
  const precision = state.precision ?? 'float32';
  if (
    state.version !== SNAPSHOT_VERSION ||
    state.kind !== expected.kind ||
    state.dim !== expected.dim ||
    precision !== expected.precision
  ) {
    throw new Error(
      `snapshot in ${dir} does not fit (${state.kind}, dim ${state.dim}, ${precision})`,
    );
  }
  return { ...state, precision, efCalibration: state.efCalibration ?? null };
}

/** The state as files of every version hold it. */
interface StoredState extends Omit<SavedState, 'precision' | 'efCalibration'> {
  version: number;
  /** Absent in snapshots written before calibration existed. */
  efCalibration?: EfCalibration | null;
  /** Absent in snapshots written before float16 existed (float32). */
  precision?: VectorPrecision;
}
