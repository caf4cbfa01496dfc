import protobuf from 'protobufjs';
import { asBuffer } from './asBuffer.js';

/**
 * The encoder of SearchEpisodicResponse (searches and search streams alike), writing the bytes
 * protobufjs's own encoder writes, with each hit's memory encoded once per memory object: the
 * handlers answer a memory the record cache holds with the same object every time
 * (codec.ts answeredEpisodicMemory), so a hot memory's strings and numbers are encoded once and
 * its bytes reused by every answer that holds it, while it lives. A hit carrying a score or an
 * explanation, or an answer carrying an error, is encoded by protobufjs as a whole.
 */
export function episodicHitsEncoder(root: protobuf.Root): (answer: object) => Buffer {
  const Response = root.lookupType('mnemo.v1.SearchEpisodicResponse');
  const Hit = root.lookupType('mnemo.v1.EpisodicHit');
  const Memory = root.lookupType('mnemo.v1.EpisodicMemory');
  const encoded = new WeakMap<object, Uint8Array>();
  const memoryBytes = (memory: object): Uint8Array => {
    let bytes = encoded.get(memory);
    if (bytes === undefined) {
      bytes = Memory.encode(memory).finish();
      encoded.set(memory, bytes);
    }
    return bytes;
  };
  return (answer) => {
    const a = answer as Answer;
    const writer =
      a.error != null
        ? Response.encode(answer)
        : writeHits(a, Hit, memoryBytes, protobuf.Writer.create());
    return asBuffer(writer.finish());
  };
}

interface Answer {
  hits?: HitAnswer[] | null;
  request_id?: number | null;
  error?: unknown;
}

interface HitAnswer {
  memory?: object | null;
  distance?: number | null;
  score?: unknown;
  explanation?: unknown;
  outcome_pending?: boolean | null;
}

const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** Fields in id order, each written when present and not null, as protobufjs's encoder does. */
function writeHits(
  answer: Answer,
  Hit: protobuf.Type,
  memoryBytes: (memory: object) => Uint8Array,
  writer: protobuf.Writer,
): protobuf.Writer {
  const hits = answer.hits;
  if (hits != null && hits.length > 0) {
    for (const hit of hits) {
      writer.uint32(10).fork();
      if (has(hit, 'score') || has(hit, 'explanation')) {
        Hit.encode(hit, writer);
      } else {
        if (hit.memory != null && has(hit, 'memory')) {
          writer.uint32(10).bytes(memoryBytes(hit.memory));
        }
        if (hit.distance != null && has(hit, 'distance')) writer.uint32(21).float(hit.distance);
        if (hit.outcome_pending != null && has(hit, 'outcome_pending')) {
          writer.uint32(40).bool(hit.outcome_pending);
        }
      }
      writer.ldelim();
    }
  }
  if (answer.request_id != null && has(answer, 'request_id')) {
    writer.uint32(16).uint64(answer.request_id);
  }
  return writer;
}
