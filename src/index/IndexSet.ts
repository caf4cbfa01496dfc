import type { MemoryKind } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import { RevisionClock } from './LabelMap.js';
import { MemoryIndex, type IndexOptions } from './MemoryIndex.js';

/**
 * The live index of each kind; a rebuild swaps in a fresh one whole. Every index it makes or
 * loads shares one revision clock, so a revision is never seen twice across rebuilds.
 */
export class IndexSet {
  private readonly clock = new RevisionClock();
  private readonly indexes: Record<MemoryKind, MemoryIndex>;

  constructor(readonly options: IndexOptions) {
    this.indexes = { episodic: this.create('episodic'), semantic: this.create('semantic') };
  }

  get(kind: MemoryKind): MemoryIndex {
    return this.indexes[kind];
  }

  /** A new, empty index of a kind (not yet live: see replace). */
  create(kind: MemoryKind): MemoryIndex {
    return MemoryIndex.create(SCHEMAS[kind], this.options, this.clock);
  }

  /** An index of a kind saved in `dir` (not yet live: see replace). */
  load(kind: MemoryKind, dir: string): Promise<MemoryIndex> {
    return MemoryIndex.load(dir, SCHEMAS[kind], this.options, this.clock);
  }

  /** Swaps in a rebuilt index, which keeps the old one's ef calibration until it has its own. */
  replace(kind: MemoryKind, index: MemoryIndex): void {
    index.inheritCalibration(this.indexes[kind]);
    this.indexes[kind] = index;
  }
}
