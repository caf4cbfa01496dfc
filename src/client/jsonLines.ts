import protobuf from 'protobufjs';
import { contractRoot } from '../proto/contractRoot.js';

/** The memory kinds a JSON-lines file holds. */
export type Kind = 'episodic' | 'semantic';

function messageType(kind: Kind): protobuf.Type {
  return contractRoot().lookupType(
    kind === 'episodic' ? 'mnemo.v1.EpisodicMemory' : 'mnemo.v1.SemanticMemory',
  );
}

/** A line that is not a memory: what is wrong with it. */
export class BadLine extends Error {}

const camel = (name: string): string =>
  name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * `value` with its keys renamed to the proto's field names: the proto3 JSON name
 * (lowerCamelCase) and the field's own name are both accepted; any other key is refused.
 */
function toFieldNames(type: protobuf.Type, value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadLine(`${path || 'the line'} is not a JSON object`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const match = type.fieldsArray.find((f) => f.name === key || camel(f.name) === key);
    if (match === undefined) throw new BadLine(`${path}${key} is not a field of ${type.name}`);
    if (field === null) continue;
    const resolved = match.resolve().resolvedType;
    if (resolved instanceof protobuf.Type) {
      out[match.name] = match.repeated
        ? (field as unknown[]).map((item, i) =>
            toFieldNames(resolved, item, `${path}${key}[${i}].`),
          )
        : toFieldNames(resolved, field, `${path}${key}.`);
    } else {
      out[match.name] = field;
    }
  }
  return out;
}

/**
 * One proto3-JSON line as the request object of an upsert (field names as the client's, bytes
 * as base64, enums by name). Throws BadLine saying what is wrong.
 */
export function parseMemory(kind: Kind, line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new BadLine(`not JSON: ${(error as Error).message}`);
  }
  const type = messageType(kind);
  let message: protobuf.Message;
  try {
    message = type.fromObject(toFieldNames(type, value, ''));
  } catch (error) {
    if (error instanceof BadLine) throw error;
    throw new BadLine((error as Error).message);
  }
  const problem = type.verify(message);
  if (problem !== null) throw new BadLine(problem);
  return type.toObject(message, { longs: String, enums: String, bytes: String });
}

const LONGS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** Whether a field holds its default (omitted from canonical JSON unless it has presence). */
function isDefault(field: protobuf.Field, value: unknown): boolean {
  if (field.options?.proto3_optional === true || field.partOf !== null) return false;
  if (Array.isArray(value)) return value.length === 0;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return value === resolved.valuesById[0];
  if (LONGS.has(field.type)) return value === '0';
  return value === 0 || value === '' || value === false;
}

function canonical(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const item = value[field.name];
    if (item === undefined || item === null || isDefault(field, item)) continue;
    const resolved = field.resolve().resolvedType;
    out[camel(field.name)] =
      resolved instanceof protobuf.Type
        ? field.repeated
          ? (item as Record<string, unknown>[]).map((v) => canonical(resolved, v))
          : canonical(resolved, item as Record<string, unknown>)
        : item;
  }
  return out;
}

/**
 * A memory as the client returned it, as one line of proto3 JSON (the canonical mapping: JSON
 * names, defaults omitted, bytes base64, 64-bit integers as strings, enums by name), fields in
 * the proto's order, so the same memory always gives the same bytes.
 */
export function formatMemory(kind: Kind, memory: object): string {
  const type = messageType(kind);
  const message = type.fromObject(memory);
  const plain = type.toObject(message, { longs: String, enums: String, bytes: String });
  return JSON.stringify(canonical(type, plain));
}
