import { join } from 'node:path';
import protobuf from 'protobufjs';
import { projectRoot } from '../config/projectRoot.js';
import { PROTO_FILES } from './packageDefinition.js';

let root: protobuf.Root | undefined;

/**
 * The contract's messages as protobufjs types (field names as in the proto, like the package
 * definition's keepCase), loaded once from proto/ and resolved.
 */
export function contractRoot(): protobuf.Root {
  if (root === undefined) {
    root = new protobuf.Root().loadSync(
      PROTO_FILES.map((file) => join(projectRoot(), 'proto', file)),
      { keepCase: true },
    );
    root.resolveAll();
  }
  return root;
}
