import protobuf from 'protobufjs';
import { asBuffer } from './asBuffer.js';
import { varintSize, writeVarint } from './varint.js';

/**
 * The encoder of SearchEpisodicResponse (searches and search streams alike), writing the bytes
 * protobufjs's own encoder writes, with each hit's memory encoded once per memory object: the
 * handlers answer a memory the record cache holds with the same object every time
 * (codec.ts answeredEpisodicMemory), so a hot memory's strings and numbers are encoded once and
 * its bytes reused by every answer that holds it, while it lives; the answer is written into one
 * buffer of its size (protobufjs's writer allocates an object per field written). An answer
 * with a hit carrying a score or an explanation, or carrying an error, is encoded by protobufjs.
 */
export function episodicHitsEncoder(root: protobuf.Root): (answer: object) => Buffer {
  const Response = root.lookupType('mnemo.v1.SearchEpisodicResponse');
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
    if (a.error == null) {
      const bytes = writeHits(a, memoryBytes);
      if (bytes !== null) return bytes;
    }
    return asBuffer(Response.encode(answer).finish());
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

/** Per-hit scratch of writeHits (the JS thread runs one encoder at a time). */
const bodySizes: number[] = [];
const memories: (Uint8Array | null)[] = [];

/**
 * The answer's bytes, written in one buffer sized first, fields in id order, each written when
 * present and not null, as protobufjs's encoder writes them; null for an answer it leaves to
 * protobufjs (a hit with a score or an explanation, a request_id that is not a safe
 * non-negative integer).
 */
function writeHits(answer: Answer, memoryBytes: (memory: object) => Uint8Array): Buffer | null {
  const hits = answer.hits ?? [];
  let size = 0;
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as HitAnswer;
    if (has(hit, 'score') || has(hit, 'explanation')) return null;
    let body = 0;
    const memory = hit.memory != null && has(hit, 'memory') ? memoryBytes(hit.memory) : null;
    if (memory !== null) body += 1 + varintSize(memory.length) + memory.length;
    if (hit.distance != null && has(hit, 'distance')) body += 5;
    if (hit.outcome_pending != null && has(hit, 'outcome_pending')) body += 2;
    memories[i] = memory;
    bodySizes[i] = body;
    size += 1 + varintSize(body) + body;
  }
  const id = answer.request_id != null && has(answer, 'request_id') ? answer.request_id : null;
  if (id !== null) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return null;
    size += 1 + varintSize(id);
  }
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  for (let i = 0; i < hits.length; i++) {
    const hit = hits[i] as HitAnswer;
    out[p++] = 10;
    p = writeVarint(out, p, bodySizes[i] as number);
    const memory = memories[i];
    if (memory != null) {
      out[p++] = 10;
      p = writeVarint(out, p, memory.length);
      out.set(memory, p);
      p += memory.length;
    }
    if (hit.distance != null && has(hit, 'distance')) {
      out[p++] = 21;
      p = out.writeFloatLE(hit.distance, p);
    }
    if (hit.outcome_pending != null && has(hit, 'outcome_pending')) {
      out[p++] = 40;
      out[p++] = hit.outcome_pending ? 1 : 0;
    }
  }
  if (id !== null) {
    out[p++] = 16;
    writeVarint(out, p, id);
  }
  memories.length = 0;
  return out;
}
