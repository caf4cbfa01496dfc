import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { MnemoClient } from '../../src/client/index.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { Progress } from '../../src/cli/progress.js';
import { run } from '../support/ops.js';
import { startApp, startRedis } from '../support/testApp.js';

const MNEMO = join(projectRoot(), 'bin', 'mnemo.js');
const DIM = 8;

function mnemo(args: string[], input = '', env: Record<string, string> = {}) {
  return run(process.execPath, [MNEMO, ...args], input, { env });
}

/** A proto3-JSON episodic memory line; every 10th has no id (the import derives one). */
function line(i: number): string {
  const vector = Buffer.alloc(DIM * 4);
  for (let d = 0; d < DIM; d++) vector.writeFloatLE(Math.sin(i * 0.37 + d) + 0.001 * i, d * 4);
  return JSON.stringify({
    ...(i % 10 === 0 ? {} : { id: `m-${i}` }),
    agentId: `agent-${i % 7}`,
    product_id: i % 2 ? 'BTC-USD' : 'ETH-USD',
    regime: 'trending',
    stateVector: { f32le: vector.toString('base64') },
    reward: (i % 13) / 3 - 1,
    timestamp: 1_700_000_000 + i,
    terminal: i % 50 === 0,
    payload: Buffer.from(`p${i}`).toString('base64'),
  });
}

function dataset(n: number, from = 0): string {
  let text = '';
  for (let i = from; i < from + n; i++) text += `${line(i)}\n`;
  return text;
}

async function memories(port: number): Promise<number> {
  const client = new MnemoClient(`127.0.0.1:${port}`);
  try {
    return (await client.memory.getInfo({})).episodic?.memories ?? -1;
  } finally {
    client.close();
  }
}

describe('the mnemo command', () => {
  let redis: RedisProcess;
  let app: App;
  let target: string;
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-cli-'));

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_MAX_BATCH: '1000' });
    target = `127.0.0.1:${app.port}`;
  });

  afterAll(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('has --help on every command and exits 2 on a wrong command line', async () => {
    for (const command of ['health', 'stats', 'search', 'import', 'export']) {
      const help = await mnemo([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: mnemo ${command}`));
      expect(help.stdout).toContain('--target');
    }
    expect((await mnemo(['--help'])).code).toBe(0);
    expect((await mnemo(['frobnicate'])).code).toBe(2);
    expect((await mnemo(['health', '--no-such-flag'])).code).toBe(2);
    expect((await mnemo(['import', 'episodic'])).code).toBe(2);
  });

  it('says the server is healthy, and exits 1 when it cannot reach one', async () => {
    const ok = await mnemo(['health', '--target', target]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/mnemo\.v1\.MemoryService\s+SERVING/);
    const down = await mnemo(['health', '--target', '127.0.0.1:1', '--timeout-ms', '500']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^mnemo: (UNAVAILABLE|DEADLINE_EXCEEDED)/);
  });

  it('imports, searches with filters and exports every field byte for byte', async () => {
    const file = join(dir, 'small.jsonl.gz');
    writeFileSync(file, gzipSync(dataset(300)));
    const imported = await mnemo(['import', 'episodic', file, '--target', target]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/episodic memories imported: 300 .*done in/);
    expect(imported.stderr).toMatch(/imported 300, skipped 0/);

    const vector = JSON.stringify(Array.from({ length: DIM }, (_, d) => Math.sin(3 * 0.37 + d)));
    const found = await mnemo(
      ['search', '--target', target, '-k', '3', '--agent', 'agent-3', '--json'],
      vector,
    );
    expect(found.code, found.stderr).toBe(0);
    const hits = found.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; agent_id: string });
    expect(hits[0]?.id).toBe('m-3');
    expect(hits.every((h) => h.agent_id === 'agent-3')).toBe(true);
    const table = await mnemo(
      ['search', '--target', target, '-k', '2', '--reward-min', '0'],
      vector,
    );
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+distance\s+agent_id/);

    const first = await mnemo(['export', 'episodic', '--target', target]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(300);

    // Into an empty Redis, and out again: the same bytes.
    const otherRedis = await startRedis();
    const other = await startApp(otherRedis);
    try {
      const copy = join(dir, 'export.jsonl');
      writeFileSync(copy, first.stdout);
      const again = await mnemo([
        'import',
        'episodic',
        copy,
        '--target',
        `127.0.0.1:${other.port}`,
      ]);
      expect(again.code, again.stderr).toBe(0);
      const second = await mnemo(['export', 'episodic', '--target', `127.0.0.1:${other.port}`]);
      expect(second.stdout).toBe(first.stdout);
    } finally {
      await other.stop();
      await otherRedis.stop();
    }
  });

  it('round-trips semantic memories byte for byte through export and import', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const vector = Buffer.alloc(DIM * 4);
      for (let d = 0; d < DIM; d++) vector.writeFloatLE(Math.cos(i * 0.7 + d), d * 4);
      lines.push(
        JSON.stringify({
          id: `concept-${i}`,
          conceptVector: { f32le: vector.toString('base64') },
          memoryType: ['MEMORY_TYPE_PATTERN', 'MEMORY_TYPE_REGIME', 'MEMORY_TYPE_STRATEGY'][i % 3],
          regimeName: `regime-${i % 4}`,
          sharpeRatio: (i % 5) / 2,
          winRate: (i % 10) / 10,
          accessCount: String(i * 3),
          lastAccessed: 1_700_000_000 + i,
          payload: Buffer.from(`c${i}`).toString('base64'),
        }),
      );
    }
    const sourceRedis = await startRedis();
    const source = await startApp(sourceRedis);
    const copyRedis = await startRedis();
    const copy = await startApp(copyRedis);
    try {
      const file = join(dir, 'concepts.jsonl');
      writeFileSync(file, `${lines.join('\n')}\n`);
      const imported = await mnemo([
        'import',
        'semantic',
        file,
        '--target',
        `127.0.0.1:${source.port}`,
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      const first = await mnemo(['export', 'semantic', '--target', `127.0.0.1:${source.port}`]);
      expect(first.code, first.stderr).toBe(0);
      const exported = first.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string });
      expect(exported.map((m) => m.id).sort()).toEqual(lines.map((_, i) => `concept-${i}`).sort());
      const again = join(dir, 'concepts-export.jsonl');
      writeFileSync(again, first.stdout);
      expect(
        (await mnemo(['import', 'semantic', again, '--target', `127.0.0.1:${copy.port}`])).code,
      ).toBe(0);
      const second = await mnemo(['export', 'semantic', '--target', `127.0.0.1:${copy.port}`]);
      expect(second.stdout).toBe(first.stdout);
    } finally {
      await Promise.all([source.stop(), copy.stop()]);
      await Promise.all([sourceRedis.stop(), copyRedis.stop()]);
    }
  });

  it('reports a bad line by number: stops there, or skips it and imports the rest', async () => {
    const file = join(dir, 'bad.jsonl');
    const lines = dataset(20, 5000).split('\n');
    lines[7] = '{"id": "x", "agentId": "a", "stateVector": {"f32le": "AAAA"}}'; // 1 float, not 8
    lines[12] = '{not json';
    writeFileSync(file, lines.join('\n'));
    const before = await memories(app.port);
    const args = [
      'import',
      'episodic',
      file,
      '--target',
      target,
      '--batch',
      '5',
      '--in-flight',
      '1',
    ];
    const stopped = await mnemo(args);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/^line 8: memories\[2\]\.state_vector\.f32le: byte length 3/m);
    expect(stopped.stderr).not.toMatch(/^line 13/m);
    expect(await memories(app.port)).toBe(before + 5); // the first batch; the bad one stored nothing

    const skipped = await mnemo([
      'import',
      'episodic',
      file,
      '--target',
      target,
      '--on-error',
      'skip',
    ]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/^line 8: /m);
    expect(skipped.stderr).toMatch(/^line 13: not JSON/m);
    expect(skipped.stderr).toMatch(/imported 18, skipped 2/);
    expect(await memories(app.port)).toBe(before + 18);
  });

  it('survives a kill at a random point of 100k memories and resumes to exactly 100k', async () => {
    const localRedis = await startRedis();
    const local = await startApp(localRedis, { MNEMO_MAX_BATCH: '1000' });
    try {
      const file = join(dir, 'big.jsonl');
      writeFileSync(file, dataset(100_000));
      const state = `${file}.mnemo-import.json`;
      const args = [MNEMO, 'import', 'episodic', file, '--target', `127.0.0.1:${local.port}`];
      const child = spawn(process.execPath, args, { stdio: 'ignore' });
      const killAt = 5_000 + Math.floor(Math.random() * 60_000);
      await vi.waitFor(
        () => {
          const line = existsSync(state)
            ? (JSON.parse(readFileSync(state, 'utf8')) as { line: number }).line
            : 0;
          expect(line).toBeGreaterThanOrEqual(killAt);
        },
        { timeout: 120_000, interval: 20 },
      );
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const stoppedAt = (JSON.parse(readFileSync(state, 'utf8')) as { line: number }).line;
      expect(stoppedAt).toBeLessThan(100_000);

      const resumed = await mnemo([
        'import',
        'episodic',
        file,
        '--resume',
        '--target',
        `127.0.0.1:${local.port}`,
      ]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(existsSync(state)).toBe(false);
      expect(await memories(local.port)).toBe(100_000);
      // Exactly 100k hashes in Redis: no memory twice, whatever the kill interrupted.
      const redisClient = new Redis(localRedis.url);
      let hashes = 0;
      for await (const keys of redisClient.scanStream({ match: '*episodic:*', count: 5000 })) {
        hashes += (keys as string[]).length;
      }
      redisClient.disconnect();
      expect(hashes).toBe(100_000);
    } finally {
      await local.stop();
      await localRedis.stop();
    }
  }, 300_000);
});

describe('Progress', () => {
  it('redraws a bar with count, rate, share and ETA on a terminal', () => {
    let now = 0;
    const written: string[] = [];
    const out = Object.assign({ write: (text: string) => written.push(text) > 0 }, { isTTY: true });
    const progress = new Progress(out as never, 'imported:', () => now);
    now = 2000;
    progress.update(5000, 25, 100);
    now = 2050;
    progress.update(5100, 26, 100); // within 100 ms of the last draw: not drawn
    now = 4000;
    progress.finish(20_000);
    expect(written).toHaveLength(2);
    expect(written[0]).toBe(
      '\r\x1b[K[######..................] imported: 5,000 (2,500/s, 25.0%, ETA 6s)',
    );
    expect(written[1]).toMatch(/imported: 20,000 \(5,000\/s.*done in 4s\)\n$/);
  });

  it('writes plain lines, a few seconds apart, elsewhere', () => {
    let now = 0;
    const written: string[] = [];
    const progress = new Progress(
      { write: (t: string) => written.push(t) > 0 } as never,
      'n:',
      () => now,
    );
    for (now = 1000; now <= 12_000; now += 1000) progress.update(now, now, 20_000);
    expect(written).toEqual([
      'n: 5,000 (1,000/s, 25.0%, ETA 15s)\n',
      'n: 10,000 (1,000/s, 50.0%, ETA 10s)\n',
    ]);
  });
});
