/**
 * `npm run gen:descriptors`: rebuilds the checked-in descriptor set that server reflection
 * serves (api/descriptors.ts) from the .proto files. Run it after changing any of them;
 * test/api/descriptors.test.ts fails until then.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DESCRIPTOR_SET_FILE } from '../api/descriptors.js';
import { projectRoot } from '../config/projectRoot.js';
import { buildDescriptorSet } from './buildDescriptors.js';

try {
  writeFileSync(join(projectRoot(), DESCRIPTOR_SET_FILE), buildDescriptorSet());
  process.stdout.write(`wrote ${DESCRIPTOR_SET_FILE}\n`);
} catch (error) {
  process.stderr.write(
    `mnemo descriptors: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(2);
}
