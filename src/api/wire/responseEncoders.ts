import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { asBuffer } from './asBuffer.js';
import { episodicHitsEncoder } from './episodicHits.js';

/**
 * Whether a message type can be encoded straight from the plain objects the handlers answer:
 * every field, down the nested messages, is a scalar, string, bytes, map or message that
 * protobufjs's encoder writes from a plain value exactly as from the message `fromObject` makes
 * of it. Enums are not (the handlers give their names, the encoder needs numbers). A
 * `google.protobuf.Any` is, as the handlers give it: `{ type_url, value }` (statusDetails.ts
 * packDetails), never the JSON form with `@type` that only fromObject reads.
 */
function encodesPlain(type: protobuf.Type, seen = new Set<protobuf.Type>()): boolean {
  if (seen.has(type)) return true;
  seen.add(type);
  for (const field of type.fieldsArray) {
    const resolved = field.resolve().resolvedType;
    if (resolved instanceof protobuf.Enum) return false;
    if (resolved instanceof protobuf.Type && !encodesPlain(resolved, seen)) return false;
  }
  return true;
}

/**
 * The response serializer of a method whose response type encodes plain (see encodesPlain):
 * `Type.encode(answer)`, without the `fromObject` copy proto-loader's serializer makes first
 * (a second object tree per answer, which the hot path pays for in allocation and collection).
 * Null for any other type: its method keeps proto-loader's serializer.
 */
export function plainEncoder(type: protobuf.Type): ((answer: object) => Buffer) | null {
  if (!encodesPlain(type)) return null;
  return (answer) => asBuffer(type.encode(answer).finish());
}

/**
 * `service` with the response serializer of every method whose response type encodes plain
 * replaced by its plainEncoder, SearchEpisodicResponse's by episodicHitsEncoder (request
 * deserializers untouched). `root` holds the contract's
 * types by the names the methods' definitions give.
 */
export function withPlainEncoders(
  service: ServiceDefinition,
  root: protobuf.Root,
  pkg: string,
): ServiceDefinition {
  const out: Record<string, MethodDefinition<object, object>> = {};
  for (const [name, method] of Object.entries(service)) {
    // proto-loader's method definitions carry their response type's descriptor.
    const typeName = (method as { responseType?: { type?: { name?: string } } }).responseType?.type
      ?.name;
    const type = typeName === undefined ? null : root.lookup(`${pkg}.${typeName}`);
    const encode =
      typeName === 'SearchEpisodicResponse'
        ? episodicHitsEncoder(root)
        : type instanceof protobuf.Type
          ? plainEncoder(type)
          : null;
    out[name] = encode === null ? method : { ...method, responseSerialize: encode };
  }
  return out;
}
