import { metrics } from '../metrics/metrics.js';
import type { AttributeIndex, CompiledFilter, Selection } from './AttributeIndex.js';

/** Most selections kept, and most bytes of their label lists and bitmaps. */
const MAX_ENTRIES = 256;
const MAX_BYTES = 16 * 1024 * 1024;

/** The two series of mnemo_index_filter_selections_total, resolved once (counted per search). */
const KEPT = metrics.filterSelections.labels({ result: 'kept' });
const SELECTED = metrics.filterSelections.labels({ result: 'selected' });

/**
 * The selections (AttributeIndex.select) of recently planned filters, answered again while the
 * attribute index is unchanged: agents re-ask with the same filter (their own agent id, a
 * product, a reward floor) on every tick, and selecting costs a pass over postings or bitmaps
 * per search. An entry is used only while its index has the version it was computed at (every
 * set and remove moves it), so a memoised selection is always the one select() would return;
 * past MAX_ENTRIES or MAX_BYTES the least recently used go first. Selections handed out are
 * shared, as select()'s own may be: read them, never modify them. Each answer is counted in
 * `mnemo_index_filter_selections_total{result="kept"|"selected"}`.
 */
export class SelectionMemo {
  #attributes: AttributeIndex | null = null;
  #version = -1;
  readonly #entries = new Map<string, { selection: Selection; bytes: number }>();
  #bytes = 0;

  /** The selection of `compiled` (the filter whose filterKey is `key`) at `listLimit`. */
  select(
    attributes: AttributeIndex,
    key: string,
    compiled: CompiledFilter,
    listLimit: number,
  ): Selection {
    if (attributes !== this.#attributes || attributes.version !== this.#version) {
      this.#entries.clear();
      this.#bytes = 0;
      this.#attributes = attributes;
      this.#version = attributes.version;
    }
    const at = `${listLimit}|${key}`;
    const known = this.#entries.get(at);
    if (known !== undefined) {
      // Most recently used last.
      this.#entries.delete(at);
      this.#entries.set(at, known);
      KEPT.inc();
      return known.selection;
    }
    SELECTED.inc();
    const selection = attributes.select(compiled, listLimit);
    const bytes = (selection.labels ?? selection.bitmap).buffer.byteLength;
    if (bytes > MAX_BYTES) return selection;
    this.#entries.set(at, { selection, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= MAX_ENTRIES && this.#bytes <= MAX_BYTES) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
    return selection;
  }
}
