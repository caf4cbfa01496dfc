/**
 * Hands out revisions: numbers that only grow. The indexes of one IndexSet share one clock, so
 * that a revision is never seen twice across rebuilds and snapshots of a kind.
 */
export class RevisionClock {
  private last = 0;

  next(): number {
    return ++this.last;
  }
}

/**
 * The id ↔ label maps of one index, with each label's revision and payload fingerprint. A label
 * freed while a search is in flight may still be returned by it, so it is reused only once no
 * search is (`searchStarted` / `searchEnded`).
 */
export class LabelMap {
  private readonly idToLabel = new Map<string, number>();
  private labelToId: (string | undefined)[] = [];
  private readonly freeLabels: number[] = [];
  private pendingFree: number[] = [];
  private nextLabel = 0;
  private inflight = 0;
  /** Per label: the revision of its last change. */
  private readonly revisions: number[] = [];
  /** Per label: a fingerprint of the payload it holds (0 = not known). */
  private payloadPrints: number[] = [];
  /** The last revision handed out by this map (see `latest`). */
  private last = 0;

  constructor(private readonly clock: RevisionClock) {}

  /** Restores maps written by `toSaved`; every held label gets a fresh revision. */
  static fromSaved(saved: SavedLabels, clock: RevisionClock): LabelMap {
    const map = new LabelMap(clock);
    map.labelToId = saved.labelToId;
    saved.labelToId.forEach((id, label) => {
      if (id === undefined) return;
      map.idToLabel.set(id, label);
      map.revisions[label] = map.last = clock.next();
    });
    map.freeLabels.push(...saved.freeLabels);
    map.nextLabel = saved.nextLabel;
    map.payloadPrints = saved.payloadPrints;
    return map;
  }

  toSaved(): SavedLabels {
    return {
      labelToId: this.labelToId,
      freeLabels: [...this.freeLabels, ...this.pendingFree],
      nextLabel: this.nextLabel,
      payloadPrints: this.payloadPrints,
    };
  }

  get size(): number {
    return this.idToLabel.size;
  }

  /** Searches running now. */
  get searching(): number {
    return this.inflight;
  }

  /** One past the highest label ever bound (labels below it may be free). */
  get end(): number {
    return this.labelToId.length;
  }

  /** Every id bound to a label. */
  ids(): string[] {
    return [...this.idToLabel.keys()];
  }

  labelOf(id: string): number | undefined {
    return this.idToLabel.get(id);
  }

  idOf(label: number): string | undefined {
    return this.labelToId[label];
  }

  /**
   * The last revision this map handed out (0 before any): it changes with every change, removal
   * and `advance`, and, the clock being shared, is never the latest of another map.
   */
  get latest(): number {
    return this.last;
  }

  /** Takes a new revision without changing any memory (what else the answers depend on changed). */
  advance(): void {
    this.last = this.clock.next();
  }

  /** The revision of a label's memory; -1 for a label holding none. */
  revisionAt(label: number): number {
    return this.revisions[label] ?? -1;
  }

  /** Whether a payload is the one last applied at `label` (true when that is not known). */
  samePayload(label: number, payload: Buffer | undefined): boolean {
    const print = this.payloadPrints[label] ?? 0;
    return print === 0 || payload === undefined || payloadPrint(payload) === print;
  }

  /** A free label for a new memory (not yet bound: see `bind`). */
  allocate(): number {
    return this.freeLabels.pop() ?? this.nextLabel++;
  }

  /** Binds an id that is bound to no label (an id is bound to one label at most). */
  bind(id: string, label: number): void {
    if (this.idToLabel.has(id)) throw new Error(`LabelMap.bind: ${id} is bound already`);
    this.idToLabel.set(id, label);
    this.labelToId[label] = id;
  }

  /** Records a change of the memory at `label` (and its payload, when given). */
  changed(label: number, payload: Buffer | undefined): void {
    this.revisions[label] = this.last = this.clock.next();
    if (payload !== undefined) this.payloadPrints[label] = payloadPrint(payload);
  }

  /** Unbinds an id; its label is freed for reuse once no search is in flight. */
  release(id: string, label: number): void {
    this.idToLabel.delete(id);
    this.labelToId[label] = undefined;
    this.revisions[label] = this.last = this.clock.next();
    this.payloadPrints[label] = 0;
    if (this.inflight === 0) this.freeLabels.push(label);
    else this.pendingFree.push(label);
  }

  searchStarted(): void {
    this.inflight++;
  }

  searchEnded(): void {
    this.inflight--;
    if (this.inflight === 0 && this.pendingFree.length > 0) {
      for (const label of this.pendingFree) this.freeLabels.push(label);
      this.pendingFree = [];
    }
  }
}

/** The persistent part of a LabelMap (revisions are not kept: they are per process). */
export interface SavedLabels {
  labelToId: (string | undefined)[];
  freeLabels: number[];
  nextLabel: number;
  payloadPrints: number[];
}

/** FNV-1a over the payload's bytes, never 0 (0 = unknown). */
function payloadPrint(payload: Buffer): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < payload.length; i++) {
    hash = Math.imul(hash ^ (payload[i] ?? 0), 0x01000193);
  }
  return (hash | 1) >>> 0;
}
