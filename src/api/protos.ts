import { join } from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { projectRoot } from '../config/projectRoot.js';
import { guardedService } from './wire/guard.js';

/** proto-loader options; the generated types under src/generated assume exactly these. */
export const PROTO_OPTIONS: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

export const PROTO_FILES = [
  'mnemo/v1/memory.proto',
  'mnemo/v1/cache.proto',
  'mnemo/v1/rate_limit.proto',
  'mnemo/v1/audit.proto',
  'mnemo/v1/signal.proto',
];

let cached: PackageDefinition | undefined;

export function mnemoPackageDefinition(): PackageDefinition {
  cached ??= loadSync(PROTO_FILES, {
    ...PROTO_OPTIONS,
    includeDirs: [join(projectRoot(), 'proto')],
  });
  return cached;
}

/**
 * The service definition of `mnemo.v1.<name>`, as served: every method's request deserializer
 * guarded (wire/guard.ts), so that bytes that are not a valid request are answered
 * INVALID_ARGUMENT by bindService.
 */
export function serviceDefinition(name: string): ServiceDefinition {
  return guardedService(mnemoPackageDefinition(), `mnemo.v1.${name}`);
}
