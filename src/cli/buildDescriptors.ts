import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { PROTO_FILES } from '../api/protos.js';
import { projectRoot } from '../config/projectRoot.js';

/** Each served .proto file by the name it is imported as, and where its source is. */
function sources(): Record<string, string> {
  const root = projectRoot();
  return {
    'grpc/health/v1/health.proto': healthProtoPath,
    ...Object.fromEntries(PROTO_FILES.map((file) => [file, join(root, 'proto', file)])),
  };
}

/**
 * The FileDescriptorSet, with source info (comments), of every served .proto file, as
 * `buf build --as-file-descriptor-set` makes it from the files laid out under their import
 * names (grpc-health-check ships health.proto outside its grpc/ path). Needs the buf
 * devDependency; the server itself reads only the checked-in result (api/descriptors.ts).
 */
export function buildDescriptorSet(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-descriptors-'));
  try {
    for (const [name, source] of Object.entries(sources())) {
      mkdirSync(dirname(join(dir, 'proto', name)), { recursive: true });
      copyFileSync(source, join(dir, 'proto', name));
    }
    const out = join(dir, 'set.binpb');
    const buf = join(projectRoot(), 'node_modules', '.bin', 'buf');
    execFileSync(buf, ['build', join(dir, 'proto'), '--as-file-descriptor-set', '-o', out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
