import { status, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  messageStatus,
  STATUS_TEXT_MAX_BYTES,
  statusFromError,
} from '../../src/api/middleware/errors.js';
import { DomainError, failedPrecondition, invalidArgument } from '../../src/model/errors.js';
import { statusDetails } from '../support/statusDetails.js';

const log = pino({ level: 'silent' });

/** gRPC's C core refuses metadata above this by default (Python's client among others). */
const METADATA_LIMIT_BYTES = 8 * 1024;

/** The HTTP/2 header list size of a status's trailers, as a client counts it. */
function trailerBytes(answer: Partial<ServiceError>): number {
  const entry = (name: string, value: string): number => name.length + value.length + 32;
  // grpc-message is percent-encoded: every byte outside printable ASCII (and `%`) takes three.
  const message = [...Buffer.from(answer.details ?? '')].reduce(
    (n, b) => n + (b >= 0x20 && b <= 0x7e && b !== 0x25 ? 1 : 3),
    0,
  );
  let bytes = entry('grpc-status', String(answer.code)) + 'grpc-message'.length + message + 32;
  for (const [name, values] of Object.entries(answer.metadata?.toJSON() ?? {})) {
    for (const value of values) {
      bytes += entry(name, Buffer.isBuffer(value) ? value.toString('base64') : value);
    }
  }
  return bytes;
}

const decoded = (answer: Partial<ServiceError>) =>
  statusDetails({ ...answer, message: answer.details ?? '' } as ServiceError);

describe('statusFromError', () => {
  it('keeps an ordinary message, field and problem whole', () => {
    const answer = statusFromError(invalidArgument('memories[3].id', 'is required'), log, 'M');
    expect(answer.details).toBe('memories[3].id: is required');
    expect(decoded(answer)?.badRequest?.field_violations).toEqual([
      { field: 'memories[3].id', description: 'is required' },
    ]);
  });

  it.each([
    ['ASCII', 'y'],
    ['three-byte characters', '☃'],
    ['surrogate pairs', '😀'],
  ])('cuts a huge field and problem of %s, marked …, within 8 KiB of metadata', (_, unit) => {
    const field = `fields[${unit.repeat(100_000)}]`;
    const answer = statusFromError(invalidArgument(field, unit.repeat(100_000)), log, 'M');
    expect(trailerBytes(answer)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    const [violation] = decoded(answer)?.badRequest?.field_violations ?? [];
    expect(violation?.field).toMatch(/^fields\[.+…$/u);
    expect(Buffer.byteLength(violation?.field ?? '')).toBeLessThanOrEqual(STATUS_TEXT_MAX_BYTES);
    expect(Buffer.byteLength(violation?.description ?? '')).toBeLessThanOrEqual(
      STATUS_TEXT_MAX_BYTES,
    );
    // Still the message every client may rely on: the field, then its problem.
    expect(answer.details).toBe(`${violation?.field ?? ''}: ${violation?.description ?? ''}`);
    // Cut between characters, never inside one.
    expect(answer.details).not.toContain('\ufffd');
    expect(answer.details).toBe(Buffer.from(answer.details ?? '').toString('utf8'));
  });

  it('cuts a huge message without a field, and a precondition subject', () => {
    const plain = statusFromError(new DomainError('not_found', 'x'.repeat(50_000)), log, 'M');
    expect(plain.code).toBe(status.NOT_FOUND);
    expect(trailerBytes(plain)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    expect(plain.details).toMatch(/^x+…$/);
    const precondition = statusFromError(failedPrecondition('f'.repeat(9_000), 'no'), log, 'M');
    expect(trailerBytes(precondition)).toBeLessThanOrEqual(METADATA_LIMIT_BYTES);
    expect(decoded(precondition)?.preconditionFailure?.violations[0]?.subject).toMatch(/^f+…$/);
  });

  it('bounds a stream message’s status the same way', () => {
    const error = invalidArgument(`k[${'y'.repeat(70_000)}]`, 'is not valid UTF-8');
    const unary = statusFromError(error, log, 'M');
    const message = messageStatus(error, log, 'M');
    expect(message.message).toBe(unary.details);
    expect(Buffer.byteLength(message.message)).toBeLessThanOrEqual(2 * STATUS_TEXT_MAX_BYTES + 2);
  });
});
