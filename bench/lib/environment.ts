import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repoRoot.js';

/** The machine and software a run measured on, recorded beside every figure. */
export interface Environment {
  machine: {
    cores: number;
    model: string;
    memoryBytes: number;
    freeMemoryBytes: number;
    kernel: string;
    /** 1-minute load average when the run started (other work on a shared machine). */
    loadAverageAtStart: number;
    loadAverageAtEnd?: number;
  };
  versions: {
    node: string;
    redisServer: string;
    grpcJs: string;
    ioredis: string;
    mnemoCommit: string;
    /** Files changed in the working tree against that commit (0 = clean). */
    mnemoUncommittedFiles: number;
    /**
     * sha256 (first 16 hex digits) of the uncommitted state of the server's code (src, proto,
     * native: `git diff HEAD` plus untracked files): tells apart runs of different working trees
     * on one commit; null when the code is as committed.
     */
    mnemoWorkingTreeHash: string | null;
    redisearchModule?: string;
  };
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      cwd: repoRoot(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
  } catch {
    return 'unknown';
  }
}

function packageVersion(name: string): string {
  try {
    const text = readFileSync(join(repoRoot(), 'node_modules', name, 'package.json'), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const CODE_PATHS = ['src', 'proto', 'native'];

function workingTreeHash(): string | null {
  const diff = run('git', ['diff', 'HEAD', '--', ...CODE_PATHS]);
  const untracked = run('git', ['ls-files', '--others', '--exclude-standard', '--', ...CODE_PATHS]);
  if (diff === 'unknown' || untracked === 'unknown') return null;
  if (diff === '' && untracked === '') return null;
  const hash = createHash('sha256').update(diff);
  for (const file of untracked
    .split('\n')
    .filter((f) => f !== '')
    .sort()) {
    hash.update(`\0${file}\0`);
    try {
      hash.update(readFileSync(join(repoRoot(), file)));
    } catch {
      hash.update('(unreadable)');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

export function environment(): Environment {
  const cpu = cpus();
  const status = run('git', ['status', '--porcelain']);
  const redis = run('redis-server', ['--version']);
  return {
    machine: {
      cores: cpu.length,
      model: cpu[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      freeMemoryBytes: freemem(),
      kernel: release(),
      loadAverageAtStart: loadavg()[0] ?? 0,
    },
    versions: {
      node: process.version,
      redisServer: /v=(\S+)/.exec(redis)?.[1] ?? redis,
      grpcJs: packageVersion('@grpc/grpc-js'),
      ioredis: packageVersion('ioredis'),
      mnemoCommit: run('git', ['rev-parse', 'HEAD']),
      mnemoUncommittedFiles: status === 'unknown' || status === '' ? 0 : status.split('\n').length,
      mnemoWorkingTreeHash: workingTreeHash(),
    },
  };
}

export function finishEnvironment(env: Environment): void {
  env.machine.loadAverageAtEnd = loadavg()[0] ?? 0;
}

export function describeEnvironment(env: Environment): string {
  const m = env.machine;
  const v = env.versions;
  const load = m.loadAverageAtEnd === undefined ? '' : ` → ${m.loadAverageAtEnd.toFixed(2)}`;
  return (
    `machine: ${m.cores} cores ${m.model}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ` +
    `load avg ${m.loadAverageAtStart.toFixed(2)}${load}\n` +
    `versions: node ${v.node}, redis-server ${v.redisServer}, grpc-js ${v.grpcJs}, ` +
    `mnemo ${v.mnemoCommit.slice(0, 12)}` +
    (v.mnemoUncommittedFiles > 0 ? ` (+${v.mnemoUncommittedFiles} uncommitted files)` : '') +
    (v.mnemoWorkingTreeHash === null ? '' : `, code tree ${v.mnemoWorkingTreeHash}`) +
    (v.redisearchModule === undefined ? '' : `, RediSearch ${v.redisearchModule}`)
  );
}
