import { join } from 'node:path';
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

/** The contract's files, under the repository's proto/. */
export const PROTO_FILES = [
  'mnemo/v1/memory.proto',
  'mnemo/v1/cache.proto',
  'mnemo/v1/rate_limit.proto',
  'mnemo/v1/audit.proto',
  'mnemo/v1/session.proto',
  'mnemo/v1/signal.proto',
];

let cached: PackageDefinition | undefined;

/** The package definition of every mnemo service, loaded once from proto/. */
export function mnemoPackageDefinition(): PackageDefinition {
  cached ??= loadSync(PROTO_FILES, {
    ...PROTO_OPTIONS,
    includeDirs: [join(projectRoot(), 'proto')],
  });
  return cached;
}
