import type { ServiceDefinition } from '@grpc/grpc-js';
import { mnemoPackageDefinition } from '../proto/packageDefinition.js';
import { guardedService } from './wire/guard.js';

export { mnemoPackageDefinition, PROTO_FILES, PROTO_OPTIONS } from '../proto/packageDefinition.js';

/**
 * The service definition of `mnemo.v1.<name>`, as served: every method's request deserializer
 * guarded (wire/guard.ts), so that bytes that are not a valid request are answered
 * INVALID_ARGUMENT by bindService.
 */
export function serviceDefinition(name: string): ServiceDefinition {
  return guardedService(mnemoPackageDefinition(), `mnemo.v1.${name}`);
}
