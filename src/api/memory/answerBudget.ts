import { invalidArgument } from '../../model/errors.js';
import { MAX_SEND_MESSAGE_BYTES } from '../GrpcServer.js';

/** The largest answer the server sends: its `grpc.max_send_message_length`. */
export const MAX_ANSWER_BYTES = MAX_SEND_MESSAGE_BYTES;

/**
 * What one memory of an answer is allowed besides its vector: protobuf framing, the distance,
 * an id, tags, numbers and a small payload. The budget is an estimate from the request, never a
 * guarantee: memories with large payloads can still make an answer too large.
 */
export const HIT_BYTES = 128;

/** A returned vector's framing besides its float32 bytes (field tags and lengths). */
const VECTOR_FRAMING_BYTES = 8;

/** The worst-case bytes of one memory in an answer. */
export function memoryBytes(vectorDim: number, includeVectors: boolean): number {
  return HIT_BYTES + (includeVectors ? vectorDim * 4 + VECTOR_FRAMING_BYTES : 0);
}

/** The worst case of an answer: how many memories it may hold and their bytes. */
export interface AnswerSize {
  memories: number;
  bytes: number;
}

/** `memories` memories of memoryBytes(vectorDim, includeVectors) each. */
export function answerSize(
  memories: number,
  vectorDim: number,
  includeVectors: boolean,
): AnswerSize {
  return { memories, bytes: memories * memoryBytes(vectorDim, includeVectors) };
}

/**
 * Refuses, before any work, a request whose answer could exceed MAX_ANSWER_BYTES: INVALID_ARGUMENT
 * naming `field`, because the same request is refused on every retry (clients' retry policies
 * may retry RESOURCE_EXHAUSTED, which gRPC uses for transient exhaustion).
 */
export function budgetAnswer(field: string, size: AnswerSize): void {
  if (size.bytes > MAX_ANSWER_BYTES) {
    throw invalidArgument(
      field,
      `asks for up to ${size.memories} memories, ${size.bytes} bytes at worst, above the ` +
        `${MAX_ANSWER_BYTES} bytes an answer may hold; ask for fewer, or without vectors`,
    );
  }
}
