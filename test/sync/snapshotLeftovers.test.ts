import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexSet } from '../../src/index/IndexSet.js';
import { IndexSnapshots } from '../../src/sync/IndexSnapshots.js';

const OPTIONS = { dim: 4, m: 4, efConstruction: 40, efRuntime: 10, exactSearchMaxCandidates: 100 };
const META = { datasetId: 'd', position: '1-0', writtenAt: 0 };

/** The pid of a process that has exited. */
function deadPid(): number {
  const done = spawnSync(process.execPath, ['-e', '']);
  return done.pid ?? 0;
}

describe('index snapshot leftovers', () => {
  let live: ChildProcess;

  beforeAll(() => {
    live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  });

  afterAll(() => {
    live.kill();
  });

  it("removes dead processes' interrupted writes, never a live one's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-leftovers-'));
    const snapshots = new IndexSnapshots(dir);
    await snapshots.write(new IndexSet(OPTIONS), META);
    const dead = deadPid();
    for (const name of [`next-${dead}`, `old-${dead}`, `next-${live.pid ?? 0}`]) {
      mkdirSync(join(dir, name, 'episodic'), { recursive: true });
    }
    expect((await snapshots.recover()).sort()).toEqual([`next-${dead}`, `old-${dead}`]);
    expect(readdirSync(dir).sort()).toEqual(['current', `next-${live.pid ?? 0}`]);
    expect(await snapshots.read(new IndexSet(OPTIONS))).toMatchObject({ meta: META });
  });

  it('makes a complete old snapshot current again when a crash left none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-leftovers-'));
    const snapshots = new IndexSnapshots(dir);
    await snapshots.write(new IndexSet(OPTIONS), META);
    const dead = deadPid();
    // The crash came after `current` was renamed away and before `next` was renamed in.
    renameSync(join(dir, 'current'), join(dir, `old-${dead}`));
    mkdirSync(join(dir, `next-${dead}`, 'episodic'), { recursive: true });
    writeFileSync(join(dir, `next-${dead}`, 'episodic', 'partial'), 'x');
    expect(await snapshots.recover()).toEqual([`next-${dead}`]);
    expect(existsSync(join(dir, 'current', 'meta.json'))).toBe(true);
    expect(await snapshots.read(new IndexSet(OPTIONS))).toMatchObject({ meta: META });
  });
});
