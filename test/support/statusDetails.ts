import { status, type ServiceError } from '@grpc/grpc-js';
import { statusDetails } from '../../src/client/statusDetails.js';

export { statusDetails, type DecodedStatus } from '../../src/client/statusDetails.js';

/**
 * Fails unless an INVALID_ARGUMENT answer carries a BadRequest naming the field its message
 * starts with, and ErrorInfo in the mnemo domain (what every client may rely on). Called on every
 * failed call of the promise clients, so the whole suite checks it.
 */
export function checkRichStatus(error: ServiceError): void {
  if (error.code !== status.INVALID_ARGUMENT) return;
  const decoded = statusDetails(error);
  const [violation] = decoded?.badRequest?.field_violations ?? [];
  if (
    decoded === null ||
    decoded.errorInfo?.domain !== 'mnemo' ||
    violation === undefined ||
    !error.details.startsWith(`${violation.field}: `)
  ) {
    throw new Error(
      `INVALID_ARGUMENT without a BadRequest naming its field: "${error.details}" (${JSON.stringify(decoded)})`,
    );
  }
}
