import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { knownAt } from '../model/asOf.js';
import type { MemoryAttributes, MemoryRecord } from '../model/MemoryRecord.js';
import type { MemoryFilter } from '../model/MemoryFilter.js';
import type { MemorySchema } from '../model/MemorySchema.js';
import type { RecentCursor } from '../model/RecentCursor.js';
import { AttributeIndex } from './AttributeIndex.js';
import { checkSavedState } from './checkSavedState.js';
import { EfTuner, type EfCalibration } from './EfTuner.js';
import { HnswEngine } from './HnswEngine.js';
import { IndexSearch } from './IndexSearch.js';
import type { IndexOptions } from './indexOptions.js';
import { GRAPH_FILE, readState, writeState } from './indexFiles.js';
import { LabelMap, RevisionClock } from './LabelMap.js';
import { OutcomeVersions } from './OutcomeVersions.js';
import { PayloadColumn } from './PayloadColumn.js';
import { storedAs } from './storedAs.js';
import { TagRevisions } from './TagRevisions.js';
import type { SearchPlan, SearchQuery } from './QueryPlanner.js';
import { recentPage, type RecentPage } from './recentPage.js';
import type { IndexHit } from './rankedSearch.js';

export type { IndexHit } from './rankedSearch.js';
export type { IndexOptions } from './indexOptions.js';

/** A memory the index holds, at the revision it has now. */
export interface HeldMemory {
  id: string;
  revision: number;
}

/**
 * The in-process index of one kind of memory: the HNSW graph (cosine), exact attribute columns,
 * and the id ↔ label maps. Mutations must be applied one at a time (the change follower does);
 * searches may run at any time.
 */
export class MemoryIndex {
  /** Earlier outcomes of revised memories (as-of queries). */
  private readonly versions: OutcomeVersions;
  private readonly searches: IndexSearch;
  /** The ef calibration `revision` last saw (a new one takes a new revision). */
  private calibrationSeen: EfCalibration | null;
  /** The revision taken when the index was made or its calibration changed (see revisionFor). */
  private baseRevision: number;
  private readonly tagRevisions: TagRevisions;

  private constructor(
    readonly schema: MemorySchema,
    private readonly engine: HnswEngine,
    private readonly options: IndexOptions,
    private readonly labels: LabelMap,
    private readonly attributes: AttributeIndex,
    private readonly payloads: PayloadColumn,
    private readonly tuner: EfTuner,
    /** The clock of this index's revisions (pass it to the index that replaces this one). */
    readonly clock: RevisionClock,
  ) {
    this.versions = new OutcomeVersions(schema, attributes, labels);
    labels.advance();
    this.baseRevision = labels.latest;
    this.calibrationSeen = tuner.calibration;
    this.tagRevisions = new TagRevisions(schema.tagFields);
    this.searches = new IndexSearch({
      schema,
      engine,
      options,
      labels,
      attributes,
      tuner,
      versions: this.versions,
    });
  }

  /** Plan of the most recent search. */
  get lastPlan(): SearchPlan {
    return this.searches.lastPlan;
  }

  static create(
    schema: MemorySchema,
    options: IndexOptions,
    clock = new RevisionClock(),
  ): MemoryIndex {
    const capacity = options.initialCapacity ?? 1024;
    const engine = new HnswEngine({ ...engineOptions(options), initialCapacity: capacity });
    const attributes = new AttributeIndex(schema, capacity);
    return new MemoryIndex(
      schema,
      engine,
      options,
      new LabelMap(clock),
      attributes,
      new PayloadColumn(options.payloadMaxBytes ?? 0),
      new EfTuner(),
      clock,
    );
  }

  /**
   * Writes the index into `dir` (the graph and a file of maps and columns). No mutation may run
   * meanwhile; searches may.
   */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    await this.engine.save(join(dir, GRAPH_FILE));
    await writeState(dir, {
      kind: this.schema.kind,
      dim: this.options.dim,
      precision: this.engine.precision,
      ...this.labels.toSaved(),
      attributes: this.attributes.toSnapshot(),
      payloads: this.payloads.toSnapshot(),
      efCalibration: this.tuner.calibration,
      versions: this.versions.entries(),
    });
  }

  /**
   * Reads an index written by `save`, every memory at a fresh revision of `clock`; throws when
   * it does not fit the schema or options, or when its files are corrupted or disagree with each
   * other (see HnswEngine.load and checkSavedState).
   */
  static async load(
    dir: string,
    schema: MemorySchema,
    options: IndexOptions,
    clock = new RevisionClock(),
  ): Promise<MemoryIndex> {
    const precision = options.vectorPrecision ?? 'float32';
    const state = await readState(dir, { kind: schema.kind, dim: options.dim, precision });
    const engine = await HnswEngine.load(
      join(dir, GRAPH_FILE),
      {
        ...engineOptions(options),
        initialCapacity: Math.max(options.initialCapacity ?? 1024, state.nextLabel),
      },
      state.nextLabel,
    );
    checkSavedState(state, engine.liveLabels(), schema);
    const index = new MemoryIndex(
      schema,
      engine,
      options,
      LabelMap.fromSaved(state, clock),
      AttributeIndex.fromSnapshot(schema, state.attributes),
      PayloadColumn.fromSnapshot(state.payloads, options.payloadMaxBytes ?? 0),
      new EfTuner(state.efCalibration),
      clock,
    );
    for (const [id, versions] of state.versions ?? []) index.versions.note(id, versions);
    return index;
  }

  get size(): number {
    return this.labels.size;
  }

  /**
   * The revision of the whole index: equal at two moments only if no search could answer
   * differently between them — it changes with every change the index applies (upsert, attribute
   * or payload change, removal, repair), with every change of its ef calibration, and is never
   * the revision of another index sharing its clock (a rebuilt or loaded one starts at its own).
   */
  get revision(): number {
    const calibration = this.tuner.calibration;
    if (calibration !== this.calibrationSeen) {
      this.calibrationSeen = calibration;
      this.labels.advance();
      this.baseRevision = this.labels.latest;
    }
    return this.labels.latest;
  }

  /**
   * The revision of what a search with this filter can find: `revision` for a filter naming no
   * tag field; otherwise one that moves only with changes to memories holding, before or after
   * the change, one of the filter's values of every tag field it names (and with a new
   * calibration), so that writes of other agents leave it be. Such a write can still change which
   * of the matching memories a graph search finds (it changes the graph), within the search's
   * recall; exact searches are unaffected.
   */
  revisionFor(filter: MemoryFilter): number {
    const whole = this.revision;
    const tags = this.tagRevisions.of(filter);
    return tags === null ? whole : Math.max(this.baseRevision, tags);
  }

  /** The default ef of unfiltered graph searches: calibrated, or IndexOptions.efRuntime. */
  get defaultEf(): number {
    return this.searches.defaultEf;
  }

  get efCalibration(): EfCalibration | null {
    return this.tuner.calibration;
  }

  /** Recent searches that went through the graph with a filter (what calibrates filtered ef). */
  get recentFilteredSearches(): number {
    return this.tuner.recentFilteredSearches;
  }

  /** Takes over a replaced index's calibration and served searches (see EfTuner.inherit). */
  inheritCalibration(from: MemoryIndex): void {
    this.tuner.inherit(from.tuner);
  }

  /** Whether the calibration was taken over from a replaced index rather than measured here. */
  get calibrationInherited(): boolean {
    return this.tuner.isInherited;
  }

  /** Calibrates the default ef on the searches served (see EfTuner.calibrate). */
  calibrateEf(
    targetRecall: number,
    samples: number,
    signal?: AbortSignal,
    random: () => number = Math.random,
  ): Promise<EfCalibration | null> {
    const subject = {
      engine: this.engine,
      size: this.size,
      efRuntime: this.options.efRuntime,
      exactLimit: this.options.exactSearchMaxCandidates,
      plan: (query: SearchQuery, scale: number) => this.searches.plan(query, scale),
    };
    return this.tuner.calibrate(subject, targetRecall, samples, signal, random);
  }

  /**
   * Whether the graph stores `vector` for memory `id`: its direction, within float16 rounding
   * where the graph stores that (see storedAs); false for a memory the index does not hold.
   */
  storesVector(id: string, vector: Float32Array): boolean {
    const label = this.labels.labelOf(id);
    return label !== undefined && this.sameVector(label, vector);
  }

  /** The ids of every memory the index holds. */
  ids(): string[] {
    return this.labels.ids();
  }

  has(id: string): boolean {
    return this.labels.labelOf(id) !== undefined;
  }

  /**
   * Whether a stored copy of a memory is as new as the index: true for a memory the index does
   * not hold, false for a missing copy of one it holds or a copy whose attributes differ, or whose
   * payload differs (by fingerprint) from the one the index applied.
   */
  isCurrent(id: string, stored: (MemoryAttributes & { payload?: Buffer }) | null): boolean {
    const label = this.labels.labelOf(id);
    if (label === undefined) return true;
    if (stored === null || !this.attributes.sameAs(label, stored)) return false;
    return this.labels.samePayload(label, stored.payload);
  }

  /**
   * A memory as Redis holds it (without its vector), built from what the index holds, when the
   * index holds it at `revision` with its whole record: every attribute and a payload small
   * enough to be held (IndexOptions.payloadMaxBytes); otherwise undefined. The record is the
   * caller's own. What it answers is the index's view: a memory changed behind mnemo's back
   * (not through the change stream) is answered as the index last saw it.
   */
  heldRecord(id: string, revision: number): MemoryRecord | undefined {
    const label = this.labels.labelOf(id);
    if (label === undefined || this.labels.revisionAt(label) !== revision) return undefined;
    const payload = this.payloads.get(label);
    if (payload === undefined) return undefined;
    const { tags, numbers } = this.attributes.attributesOf(label);
    const record: MemoryRecord = { id, vector: new Float32Array(0), tags, numbers, payload };
    const versions = this.versions.of(id);
    if (versions !== undefined) record.versions = versions;
    return record;
  }

  /** Inserts or replaces memories (the last one wins where an id repeats). */
  async upsert(records: readonly MemoryRecord[]): Promise<void> {
    const latest = new Map<string, MemoryRecord>();
    for (const record of records) latest.set(record.id, record);
    const fresh: MemoryRecord[] = [];
    for (const record of latest.values()) {
      this.versions.note(record.id, record.versions);
      const label = this.labels.labelOf(record.id);
      if (label !== undefined && this.sameVector(label, record.vector)) {
        this.apply(label, record);
        continue;
      }
      if (label !== undefined) this.removeLabel(record.id, label);
      fresh.push(record);
    }
    if (fresh.length === 0) return;
    const labels = new Uint32Array(fresh.length);
    const vectors = new Float32Array(fresh.length * this.options.dim);
    fresh.forEach((record, i) => {
      labels[i] = this.labels.allocate();
      vectors.set(record.vector, i * this.options.dim);
    });
    await this.engine.add(labels, vectors);
    fresh.forEach((record, i) => {
      const label = labels[i] ?? 0;
      // Bound meanwhile by an upsert that did not wait for this one: the last bound wins.
      const bound = this.labels.labelOf(record.id);
      if (bound !== undefined) this.removeLabel(record.id, bound);
      this.labels.bind(record.id, label);
      this.apply(label, record);
    });
  }

  /**
   * Replaces the attributes (and the payload, when given) of a memory whose vector is unchanged;
   * false if it is unknown.
   */
  setAttributes(id: string, attributes: MemoryAttributes & { payload?: Buffer }): boolean {
    const label = this.labels.labelOf(id);
    if (label === undefined) return false;
    this.versions.note(id, attributes.versions);
    this.apply(label, attributes);
    return true;
  }

  /**
   * Whether a write of `record` may change the earlier outcomes Redis keeps of it (which the
   * record as sent does not carry, so it must be read back): it replaces a memory the index holds
   * with earlier outcomes, or with an outcome known before the record's.
   */
  mayReviseOutcome(record: MemoryRecord): boolean {
    const outcome = this.schema.outcome;
    const label = this.labels.labelOf(record.id);
    if (outcome === null || label === undefined) return false;
    if (this.versions.has(record.id)) return true;
    return knownAt(outcome, record) > this.attributes.numeric(outcome.knownAtField, label);
  }

  /**
   * The revision of a memory: a number that changes with every change the index applies to it
   * and is never reused by the indexes sharing its clock; -1 for a memory it does not hold.
   */
  revisionOf(id: string): number {
    const label = this.labels.labelOf(id);
    return label === undefined ? -1 : this.labels.revisionAt(label);
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      const label = this.labels.labelOf(id);
      if (label !== undefined) this.removeLabel(id, label);
    }
  }

  /**
   * Removes a memory only if the index has applied no change to it since it had `revision`
   * (see revisionOf); true if it was removed. What repairs a divergence from Redis uses, so that
   * a repair decided on an older view never undoes a newer change.
   */
  removeAt(id: string, revision: number): boolean {
    const label = this.labels.labelOf(id);
    if (label === undefined || this.labels.revisionAt(label) !== revision) return false;
    this.removeLabel(id, label);
    return true;
  }

  /** One past the highest label in use so far: what a walk with heldFrom covers. */
  get labelSpan(): number {
    return this.labels.end;
  }

  /**
   * The memories at labels [from, from + count), with their revisions, and the label to go on
   * from (null past the last): a walk over every memory in bounded steps. Changes made between
   * steps do not disturb it; a memory added meanwhile may be missed until the next walk.
   */
  heldFrom(from: number, count: number): { held: HeldMemory[]; next: number | null } {
    const end = Math.min(from + count, this.labels.end);
    const held: HeldMemory[] = [];
    for (let label = from; label < end; label++) {
      const id = this.labels.idOf(label);
      if (id !== undefined) held.push({ id, revision: this.labels.revisionAt(label) });
    }
    return { held, next: end >= this.labels.end ? null : end };
  }

  /** Ids of every memory matching the filter. */
  matchingIds(filter: MemoryFilter): string[] {
    const compiled = this.attributes.compile(filter);
    if (compiled === null) return [];
    const ids: string[] = [];
    this.attributes.forEachMatch(compiled, (label) => {
      const id = this.labels.idOf(label);
      if (id !== undefined) ids.push(id);
    });
    return ids;
  }

  /** The k nearest memories within the filter, by ascending cosine distance. */
  async search(query: SearchQuery): Promise<IndexHit[]> {
    return (await this.searchMany([query]))[0] ?? [];
  }

  /**
   * Several searches at once: each is planned on its own; the graph searches, filtered or not,
   * go to the engine together (one call per core), exact ones each beside them. A ranked search
   * returns the k best by score, by score descending (see rankedSearch).
   */
  searchMany(queries: readonly SearchQuery[]): Promise<IndexHit[][]> {
    return this.searches.searchMany(queries);
  }

  /**
   * A page of memories matching the filter, by `field` descending, ties by id ascending. As of
   * `asOf`, when `field` is an outcome field, memories whose outcome was not known then come
   * last (as -Infinity): they are never ranked by an outcome they did not have yet; a memory
   * revised since is ranked by the outcome it had then.
   */
  recent(
    filter: MemoryFilter,
    field: string,
    limit: number,
    after: RecentCursor | null,
    asOf?: number,
  ): RecentPage {
    const extra = this.versions.passing(filter, asOf);
    const outcomes = this.searches.outcomesAsOf(asOf);
    const known = outcomes?.fields.includes(field) === true ? outcomes.reader(field) : null;
    const valueOf = known === null ? null : (label: number): number => known(label) ?? -Infinity;
    const page = { filter, field, limit, after, valueOf, extra: extra ?? [] };
    return recentPage(this.attributes, this.labels, page);
  }

  /** At least the highest value a numeric field holds (see AttributeIndex.highestEver). */
  highestEver(field: string): number {
    return this.attributes.highestEver(field);
  }

  private sameVector(label: number, vector: Float32Array): boolean {
    return storedAs(this.engine.getVector(label), vector, this.engine.precision);
  }

  /** Sets a label's attributes, giving it and its old and new tag values a new revision. */
  private apply(label: number, attributes: MemoryAttributes & { payload?: Buffer }): void {
    const before = this.attributes.tagsOf(label);
    this.attributes.set(label, attributes);
    this.labels.changed(label, attributes.payload);
    // The payload is held only with every field known (the columns read 0 or '' for a missing
    // one, which is not what Redis would answer); an attribute-only change keeps it.
    if (!hasEveryField(this.schema, attributes)) this.payloads.forget(label);
    else if (attributes.payload !== undefined) this.payloads.set(label, attributes.payload);
    this.tagRevisions.changed(before, attributes.tags, this.labels.latest);
  }

  private removeLabel(id: string, label: number): void {
    this.versions.note(id, undefined);
    const before = this.attributes.tagsOf(label);
    this.labels.release(id, label);
    this.payloads.forget(label);
    this.tagRevisions.changed(before, null, this.labels.latest);
    this.attributes.remove(label);
    this.engine.remove(Uint32Array.of(label));
  }
}

function engineOptions(options: IndexOptions) {
  return {
    dim: options.dim,
    m: options.m,
    efConstruction: options.efConstruction,
    precision: options.vectorPrecision ?? 'float32',
  } as const;
}

/** Whether a memory's attributes give every tag and numeric field of its schema. */
function hasEveryField(schema: MemorySchema, attributes: MemoryAttributes): boolean {
  for (const field of schema.tagFields) if (attributes.tags[field] === undefined) return false;
  for (const field of schema.numericFields)
    if (attributes.numbers[field] === undefined) return false;
  return true;
}
