import type { MemoryKind } from '../model/MemoryRecord.js';
import { SCHEMAS } from '../model/MemorySchema.js';
import { MemoryIndex, type IndexOptions } from './MemoryIndex.js';

/** The live index of each kind; a rebuild swaps in a fresh one whole. */
export class IndexSet {
  private readonly indexes: Record<MemoryKind, MemoryIndex>;

  constructor(readonly options: IndexOptions) {
    this.indexes = { episodic: this.create('episodic'), semantic: this.create('semantic') };
  }

  get(kind: MemoryKind): MemoryIndex {
    return this.indexes[kind];
  }

  create(kind: MemoryKind): MemoryIndex {
    return MemoryIndex.create(SCHEMAS[kind], this.options);
  }

  /** Swaps in a rebuilt index, which keeps the old one's ef calibration until it has its own. */
  replace(kind: MemoryKind, index: MemoryIndex): void {
    index.inheritCalibration(this.indexes[kind]);
    this.indexes[kind] = index;
  }
}
