import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');
const config = join(root, '.dependency-cruiser.cjs');

/** Runs the floor rule over a tree of the given files; its exit code and output. */
async function floors(files: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-floors-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
  );
  try {
    const { stdout } = await run(depcruise, ['src', '--config', config, '--output-type', 'err'], {
      cwd: dir,
    });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}
const dirs: string[] = [];

describe('the import floors (npm run check)', () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('passes the tree as it is', async () => {
    const { stdout } = await run(depcruise, ['src', 'bench', '--config', config], { cwd: root });
    expect(stdout).toContain('no dependency violations found');
  });

  it('fails an import that runs up or across, naming both files and the rule', async () => {
    const { code, output } = await floors({
      'src/redis/Store.ts': 'export const store = 1;\n',
      'src/index/Index.ts': "import { store } from '../redis/Store.js';\nexport const i = store;\n",
      'src/model/Leaf.ts': "import { i } from '../index/Index.js';\nexport const leaf = i;\n",
    });
    expect(code).not.toBe(0);
    expect(output).toContain('floor-index: src/index/Index.ts → src/redis/Store.ts');
    expect(output).toContain('leaf-model: src/model/Leaf.ts → src/index/Index.ts');
  });

  it('lets every floor import the floors below it', async () => {
    const { code, output } = await floors({
      'src/model/M.ts': 'export const m = 1;\n',
      'src/index/I.ts': "import { m } from '../model/M.js';\nexport const i = m;\n",
      'src/redis/R.ts': "import { m } from '../model/M.js';\nexport const r = m;\n",
      'src/services/memory/S.ts':
        "import { i } from '../../index/I.js';\nimport { r } from '../../redis/R.js';\nexport const s = i + r;\n",
      'src/api/A.ts': "import { s } from '../services/memory/S.js';\nexport const a = s;\n",
      'src/app/App.ts': "import { a } from '../api/A.js';\nexport const app = a;\n",
    });
    expect(output).not.toContain('error');
    expect(code).toBe(0);
  });
});
