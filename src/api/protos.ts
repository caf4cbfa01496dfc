import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { projectRoot } from '../config/projectRoot.js';

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
];

let cached: PackageDefinition | undefined;

export function mnemoPackageDefinition(): PackageDefinition {
  cached ??= loadSync(PROTO_FILES, {
    ...PROTO_OPTIONS,
    includeDirs: [join(projectRoot(), 'proto')],
  });
  return cached;
}

/** The service definition of `mnemo.v1.<name>`. */
export function serviceDefinition(name: string): ServiceDefinition {
  const root = loadPackageDefinition(mnemoPackageDefinition());
  const v1 = (root.mnemo as GrpcObject).v1 as GrpcObject;
  const service = v1[name] as { service?: ServiceDefinition } | undefined;
  if (service?.service === undefined) throw new Error(`no service mnemo.v1.${name} in the protos`);
  return service.service;
}
