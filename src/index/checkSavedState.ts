import type { MemorySchema } from '../model/MemorySchema.js';
import { EF_CALIBRATION_MAX } from './EfTuner.js';
import type { SavedState } from './indexFiles.js';

/** Labels are uint32: the most a LabelMap hands out. */
const LABEL_LIMIT = 2 ** 32;

/**
 * Throws, naming the first fault, unless a saved state (state.v8) is well formed and agrees with
 * the graph loaded beside it, whose live labels are `graphLabels`: the labels bound to an id are
 * exactly the graph's live labels (so their counts are equal), ids are unique, free labels are
 * unbound, the attribute columns have one slot per label of the attribute capacity, live
 * exactly where a label is bound, and a saved ef calibration is within what a calibration
 * chooses. The graph itself was checked by the native loader (labels
 * unique and below `state.nextLabel`).
 */
export function checkSavedState(
  state: SavedState,
  graphLabels: Uint32Array,
  schema: MemorySchema,
): void {
  const { labelToId, freeLabels, nextLabel, payloadPrints } = state;
  if (!Number.isSafeInteger(nextLabel) || nextLabel < 0 || nextLabel > LABEL_LIMIT) {
    fail('next label out of range');
  }
  if (!Array.isArray(labelToId) || labelToId.length > nextLabel) fail('label map out of range');
  if (!Array.isArray(payloadPrints) || !Array.isArray(freeLabels)) fail('label lists malformed');
  const ids = new Set<string>();
  labelToId.forEach((id) => {
    if (id === undefined) return;
    if (typeof id !== 'string' || id.length === 0) fail('an id is not a string');
    if (ids.has(id)) fail(`id ${id} is bound to two labels`);
    ids.add(id);
  });
  const free = new Set<number>();
  for (const label of freeLabels) {
    if (!Number.isInteger(label) || label < 0 || label >= nextLabel || free.has(label)) {
      fail('a free label is out of range or repeated');
    }
    if (labelToId[label] !== undefined) fail(`free label ${label} is bound`);
    free.add(label);
  }
  if (graphLabels.length !== ids.size) {
    fail(`graph holds ${graphLabels.length} live elements, the label map ${ids.size}`);
  }
  for (const label of graphLabels) {
    if (labelToId[label] === undefined) fail(`graph label ${label} is bound to no id`);
  }
  checkAttributes(state, schema);
  const calibration = state.efCalibration;
  if (
    calibration !== null &&
    (!Number.isInteger(calibration.ef) ||
      calibration.ef < 1 ||
      calibration.ef > EF_CALIBRATION_MAX ||
      !(calibration.filteredScale > 0 && calibration.filteredScale <= 64))
  ) {
    fail('ef calibration out of range');
  }
}

function checkAttributes({ attributes, labelToId }: SavedState, schema: MemorySchema): void {
  if (typeof attributes !== 'object' || attributes === null) fail('attributes malformed');
  const { capacity, live, tags, numbers } = attributes;
  if (!Number.isSafeInteger(capacity) || capacity < labelToId.length) {
    fail('attribute capacity out of range');
  }
  if (!(live instanceof Uint8Array) || live.length !== capacity) fail('live column malformed');
  for (let label = 0; label < capacity; label++) {
    const bound = labelToId[label] !== undefined;
    if (live[label] !== (bound ? 1 : 0)) fail(`label ${label} is live in one map only`);
  }
  for (const field of schema.tagFields) {
    const tag = tags[field];
    if (
      tag === undefined ||
      !(tag.column instanceof Uint32Array) ||
      tag.column.length !== capacity ||
      !Array.isArray(tag.values) ||
      !tag.values.every((value) => typeof value === 'string') ||
      new Set(tag.values).size !== tag.values.length ||
      tag.column.some((code) => code > tag.values.length)
    ) {
      fail(`tag column ${field} malformed`);
    }
  }
  for (const field of schema.numericFields) {
    const column = numbers[field];
    if (!(column instanceof Float64Array) || column.length !== capacity) {
      fail(`numeric column ${field} malformed`);
    }
  }
}

function fail(what: string): never {
  throw new Error(`index snapshot state is inconsistent: ${what}`);
}
