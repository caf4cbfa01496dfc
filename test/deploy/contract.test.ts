import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const buf = join(root, 'node_modules', '.bin', 'buf');
/** The contract of the last release, as `npm run check` compares against it. */
const released = join(root, 'proto', 'released.binpb');
const memoryProto = join('proto', 'mnemo', 'v1', 'memory.proto');
const dirs: string[] = [];

/**
 * Runs `buf breaking --against proto/released.binpb` (as `npm run check` does) over a copy of
 * buf.yaml and proto/ whose memory.proto `edit` changed; its exit code and output.
 */
async function breaking(
  edit: (proto: string) => string,
): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-contract-'));
  dirs.push(dir);
  cpSync(join(root, 'buf.yaml'), join(dir, 'buf.yaml'));
  cpSync(join(root, 'proto', 'mnemo'), join(dir, 'proto', 'mnemo'), { recursive: true });
  const before = readFileSync(join(dir, memoryProto), 'utf8');
  const after = edit(before);
  expect(after === before, 'the edit changed nothing').toBe(edit === unchanged);
  writeFileSync(join(dir, memoryProto), after);
  try {
    const { stdout } = await run(buf, ['breaking', dir, '--against', released], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const unchanged = (proto: string): string => proto;

describe('buf breaking against the released contract (npm run check)', () => {
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts the contract as it is', async () => {
    expect(await breaking(unchanged)).toEqual({ code: 0, output: '' });
  }, 30_000);

  it('accepts additions: a new field, a deprecated one', async () => {
    const result = await breaking((proto) =>
      proto
        .replace(
          '  bytes payload = 9;\n}',
          '  bytes payload = 9;\n  // A note.\n  string note = 10;\n}',
        )
        .replace('string regime = 4;', 'string regime = 4 [deprecated = true];'),
    );
    expect(result).toEqual({ code: 0, output: '' });
  }, 30_000);

  it.each([
    [
      'a renamed field',
      'string regime = 4;',
      'string market_regime = 4;',
      /changed name from "regime" to "market_regime"/,
    ],
    [
      'a removed field',
      '  string regime = 4;\n',
      '',
      /Previously present field "4" with name "regime"/,
    ],
    [
      'a field of another type',
      'double reward = 6;',
      'float reward = 6;',
      /changed type from "double" to "float"/,
    ],
    ['a renumbered field', 'string regime = 4;', 'string regime = 14;', /"regime"/],
  ])(
    'refuses %s',
    async (_, from, to, message) => {
      const result = await breaking((proto) => proto.replace(from, to));
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
    },
    30_000,
  );
});
