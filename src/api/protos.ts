import type { ServiceDefinition } from '@grpc/grpc-js';
import { mnemoPackageDefinition } from '../proto/packageDefinition.js';
import { contractRoot } from '../proto/contractRoot.js';
import { guardedService } from './wire/guard.js';
import { withPlainEncoders } from './wire/responseEncoders.js';

export { mnemoPackageDefinition, PROTO_FILES, PROTO_OPTIONS } from '../proto/packageDefinition.js';

/**
 * The service definition of `mnemo.v1.<name>`, as served: every method's request deserializer
 * guarded (wire/guard.ts), so that bytes that are not a valid request are answered
 * INVALID_ARGUMENT by bindService, and answers encoded without a fromObject copy where their
 * type allows (wire/responseEncoders.ts).
 */
export function serviceDefinition(name: string): ServiceDefinition {
  return withPlainEncoders(
    guardedService(mnemoPackageDefinition(), `mnemo.v1.${name}`),
    contractRoot(),
    'mnemo.v1',
  );
}
