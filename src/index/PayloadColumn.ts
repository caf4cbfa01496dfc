/** What a PayloadColumn keeps in a snapshot: each held label's payload, by label. */
export interface SavedPayloads {
  /** Per label: the payload's length, -1 for a label holding none. */
  lengths: Int32Array;
  /** Per label: where its payload starts in `bytes`. */
  offsets: Uint32Array;
  bytes: Uint8Array;
}

/** Dead bytes are reclaimed once they are at least this many and half the arena in use. */
const COMPACT_MIN_DEAD_BYTES = 1 << 16;
const MAX_ARENA_BYTES = 2 ** 32 - 1;

/**
 * The payloads of memories, by label, for those of at most `maxBytes` (0: none kept): what lets
 * the index hand out a whole memory without reading Redis (MemoryIndex.heldRecord). Payloads
 * live in one arena (not an object each, which the garbage collector would walk); a replaced or
 * dropped payload leaves dead bytes, reclaimed by copying the live ones once the dead make up
 * half the arena. A label holds a payload only after `set`: any other is not known.
 */
export class PayloadColumn {
  private lengths = new Int32Array(0);
  private offsets = new Uint32Array(0);
  private arena = Buffer.alloc(0);
  private used = 0;
  private dead = 0;

  constructor(readonly maxBytes: number) {}

  /** A column holding what `saved` holds, less payloads above `maxBytes`. */
  static fromSnapshot(saved: SavedPayloads | undefined, maxBytes: number): PayloadColumn {
    const column = new PayloadColumn(maxBytes);
    if (saved === undefined) return column;
    saved.lengths.forEach((length, label) => {
      if (length < 0) return;
      const start = saved.offsets[label] ?? 0;
      column.set(label, saved.bytes.subarray(start, start + length));
    });
    return column;
  }

  toSnapshot(): SavedPayloads {
    this.compact();
    return {
      lengths: this.lengths.slice(),
      offsets: this.offsets.slice(),
      bytes: new Uint8Array(this.arena.subarray(0, this.used)),
    };
  }

  /** Keeps a label's payload (a copy) if it is small enough, else forgets the label's. */
  set(label: number, payload: Uint8Array): void {
    this.forget(label);
    const length = payload.length;
    if (length > this.maxBytes || this.maxBytes === 0) return;
    if (this.used + length > MAX_ARENA_BYTES) return;
    this.ensureLabels(label + 1);
    this.ensureArena(this.used + length);
    this.arena.set(payload, this.used);
    this.offsets[label] = this.used;
    this.lengths[label] = length;
    this.used += length;
  }

  /** The payload held for a label (a copy), or undefined when it holds none. */
  get(label: number): Buffer | undefined {
    const length = this.lengths[label] ?? -1;
    if (length < 0) return undefined;
    const start = this.offsets[label] ?? 0;
    return Buffer.from(this.arena.subarray(start, start + length));
  }

  /** Stops holding a label's payload (it is then not known). */
  forget(label: number): void {
    const length = this.lengths[label] ?? -1;
    if (length < 0) return;
    this.lengths[label] = -1;
    this.dead += length;
    if (this.dead >= COMPACT_MIN_DEAD_BYTES && this.dead * 2 >= this.used) this.compact();
  }

  /** Bytes of the arena in use, dead ones included. */
  get arenaBytes(): number {
    return this.used;
  }

  private compact(): void {
    if (this.dead === 0) return;
    const arena = Buffer.allocUnsafe(Math.max(this.used - this.dead, 1024));
    let used = 0;
    for (let label = 0; label < this.lengths.length; label++) {
      const length = this.lengths[label] ?? -1;
      if (length <= 0) continue;
      const start = this.offsets[label] ?? 0;
      this.arena.copy(arena, used, start, start + length);
      this.offsets[label] = used;
      used += length;
    }
    this.arena = arena;
    this.used = used;
    this.dead = 0;
  }

  private ensureLabels(count: number): void {
    if (count <= this.lengths.length) return;
    const size = Math.max(count, this.lengths.length * 2, 1024);
    const lengths = new Int32Array(size).fill(-1);
    lengths.set(this.lengths);
    const offsets = new Uint32Array(size);
    offsets.set(this.offsets);
    this.lengths = lengths;
    this.offsets = offsets;
  }

  private ensureArena(bytes: number): void {
    if (bytes <= this.arena.length) return;
    const size = Math.min(Math.max(bytes, this.arena.length * 2, 4096), MAX_ARENA_BYTES);
    const arena = Buffer.allocUnsafe(size);
    this.arena.copy(arena, 0, 0, this.used);
    this.arena = arena;
  }
}
