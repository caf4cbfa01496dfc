import { isUtf8 } from 'node:buffer';
import { cut } from '../../model/errors.js';
import type { FieldPlan, MessagePlan } from './plan.js';

/** Why a request's bytes were refused: the field path and the problem, for invalidArgument. */
export interface WireProblem {
  readonly field: string;
  readonly problem: string;
}

/** The value of the last varint read (one module variable: no allocation per varint). */
let varintValue = 0;

/** Reads a varint at `pos`; returns the position after it, or -1 if it is cut or too long. */
function readVarint(bytes: Uint8Array, pos: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos < end; i++) {
    const byte = bytes[pos++] as number;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) {
      varintValue = value;
      return pos;
    }
  }
  return -1;
}

/** Skips a value of `wireType` at `pos`; returns the position after it, or -1. */
function skip(bytes: Uint8Array, pos: number, end: number, wireType: number): number {
  switch (wireType) {
    case 0:
      return readVarint(bytes, pos, end);
    case 1:
      return pos + 8 <= end ? pos + 8 : -1;
    case 5:
      return pos + 4 <= end ? pos + 4 : -1;
    case 2: {
      const at = readVarint(bytes, pos, end);
      return at >= 0 && varintValue <= end - at ? at + varintValue : -1;
    }
    default:
      // Groups (3, 4) do not exist in proto3; 6 and 7 are no wire type.
      return -1;
  }
}

/** Whether [pos, end) is a whole number of packed elements of `wireType`. */
function packedOk(bytes: Uint8Array, pos: number, end: number, wireType: number): boolean {
  if (wireType === 5) return (end - pos) % 4 === 0;
  if (wireType === 1) return (end - pos) % 8 === 0;
  while (pos < end) {
    pos = readVarint(bytes, pos, end);
    if (pos < 0) return false;
  }
  return true;
}

/** Whether [start, end) is valid UTF-8; short ASCII, the usual id or tag, without a view. */
function utf8(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start <= 64) {
    let pos = start;
    while (pos < end && (bytes[pos] as number) < 0x80) pos++;
    if (pos === end) return true;
  }
  return isUtf8(bytes.subarray(start, end));
}

/** A problem found deep in a message, with the path from there up, filled in as it unwinds. */
class Found {
  readonly path: string[] = [];
  constructor(readonly utf8: boolean) {}
}

const MALFORMED = new Found(false);

/** The largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD_NUMBER = 536_870_911;

/**
 * Walks one message in [start, end): every tag, length and known field's wire type must be
 * well-formed, and every string field (at any depth) valid UTF-8. Returns undefined when so.
 */
function walk(plan: MessagePlan, bytes: Uint8Array, start: number, end: number): Found | undefined {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    pos = readVarint(bytes, pos, end);
    if (pos < 0) return MALFORMED;
    const number = Math.floor(varintValue / 8);
    const wireType = varintValue % 8;
    if (number === 0 || number > MAX_FIELD_NUMBER) return MALFORMED;
    const field = plan.fields.get(number);
    let valueStart = pos;
    let next: number;
    if (wireType === 2) {
      valueStart = readVarint(bytes, pos, end);
      if (valueStart < 0 || varintValue > end - valueStart) return MALFORMED;
      next = valueStart + varintValue;
    } else {
      next = skip(bytes, pos, end, wireType);
      if (next < 0) return MALFORMED;
    }
    if (field !== undefined) {
      if (wireType !== field.wireType) {
        if (!field.packable || wireType !== 2) return MALFORMED;
        if (!packedOk(bytes, valueStart, next, field.wireType)) return MALFORMED;
      } else if (field.utf8 || field.message !== undefined) {
        const found = field.utf8
          ? utf8(bytes, valueStart, next)
            ? undefined
            : new Found(true)
          : walk(field.message as MessagePlan, bytes, valueStart, next);
        if (found !== undefined) {
          if (found.utf8) found.path.push(segment(plan, field, number, bytes, start, fieldStart));
          return found;
        }
      }
    }
    pos = next;
  }
  return pos === end ? undefined : MALFORMED;
}

/**
 * The path segment of a field of a message in [start, …) whose occurrence starts at `at`:
 * `name`, `name[i]` for the i-th element of a repeated field, and for a map entry the segment
 * of the map's own field is filled in by the caller (`fields["key"]` or just `fields`).
 */
function segment(
  plan: MessagePlan,
  field: FieldPlan,
  number: number,
  bytes: Uint8Array,
  start: number,
  at: number,
): string {
  if (plan.mapEntry) return number === 1 ? '(a key)' : '';
  if (!field.repeated) return field.name;
  if (field.message?.mapEntry === true) return `${field.name}${mapKeyOf(bytes, at)}`;
  let index = 0;
  for (let pos = start; pos < at;) {
    pos = readVarint(bytes, pos, at);
    if (Math.floor(varintValue / 8) === number) index++;
    pos = skip(bytes, pos, at, varintValue % 8);
  }
  return `${field.name}[${index}]`;
}

/**
 * `["key"]` for the map entry whose tag starts at `at` (the key escaped as a JSON string and cut
 * as errors.ts `quote` cuts a client's value, so a status naming it stays small), or '' when its
 * key is not readable.
 */
function mapKeyOf(bytes: Uint8Array, at: number): string {
  let pos = readVarint(bytes, at, bytes.length);
  pos = readVarint(bytes, pos, bytes.length);
  const end = pos + varintValue;
  while (pos >= 0 && pos < end) {
    pos = readVarint(bytes, pos, end);
    if (pos < 0) return '';
    const tag = varintValue;
    if (tag === 0x0a) {
      const keyStart = readVarint(bytes, pos, end);
      const key = bytes.subarray(keyStart, keyStart + varintValue);
      return isUtf8(key) ? `[${JSON.stringify(cut(Buffer.from(key).toString('utf8')))}]` : '';
    }
    pos = skip(bytes, pos, end, tag % 8);
  }
  return '';
}

/**
 * Checks the bytes of a `plan` message before they are decoded: undefined when they are a
 * well-formed message whose string fields are all valid UTF-8 (proto3 requires it; a lenient
 * decoder would turn distinct invalid strings into one), else the problem, naming the string's
 * field path (`memories[1].id`) when the bytes were otherwise readable up to it.
 */
export function checkWire(plan: MessagePlan, bytes: Uint8Array): WireProblem | undefined {
  const found = walk(plan, bytes, 0, bytes.length);
  if (found === undefined) return undefined;
  if (!found.utf8) return { field: 'request', problem: `is not a valid ${plan.name} message` };
  const path = found.path
    .reverse()
    .filter((part) => part !== '')
    .join('.')
    .replace(/\.\(a key\)$/, '');
  const keyed = found.path[found.path.length - 1] === '(a key)';
  return {
    field: path,
    problem: keyed ? 'has a key that is not valid UTF-8' : 'is not valid UTF-8',
  };
}
