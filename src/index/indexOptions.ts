import type { VectorPrecision } from './HnswEngine.js';

/** How a MemoryIndex is built and searched. */
export interface IndexOptions {
  dim: number;
  m: number;
  efConstruction: number;
  /** ef used when a query sets none. */
  efRuntime: number;
  /** Filtered candidate sets up to this size are searched exactly (brute force). */
  exactSearchMaxCandidates: number;
  initialCapacity?: number;
  /** How the graph stores vectors (default float32). */
  vectorPrecision?: VectorPrecision;
  /** A ranked search of k takes this many times k neighbours by distance (default 8)... */
  rankingHeadroom?: number;
  /** ...and scores at most this many times k others by brute force (default 32; see rankedSearch). */
  rankingMaxHeadroom?: number;
  /** Payloads up to this many bytes are held beside the attributes (heldRecord); 0 = none. */
  payloadMaxBytes?: number;
}
