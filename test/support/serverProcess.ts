import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import { projectRoot } from '../../src/config/projectRoot.js';

/** One JSON log line of the server. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real mnemo (src/main.ts under tsx) in a child process, with what it printed. */
export interface ServerProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Its JSON log lines so far. */
  logged(): LogLine[];
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

/** This process's environment less every MNEMO_ variable: the child gets only `env`'s. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MNEMO_')) env[name] = value;
  }
  return env;
}

/**
 * Spawns src/main.ts with `env` (metrics on a free loopback port, dimension 8 and a data
 * directory of its own unless `env` says otherwise); with `untilServing`, resolves once it logs
 * "mnemo serving gRPC" (failing if it exits first).
 */
export async function spawnServer(
  env: Record<string, string>,
  untilServing = true,
): Promise<ServerProcess> {
  let out = '';
  let err = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot(),
    env: {
      ...baseEnv(),
      MNEMO_METRICS_ADDRESS: '127.0.0.1:0',
      MNEMO_VECTOR_DIM: '8',
      MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-process-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const server: ServerProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    logged: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  if (untilServing) {
    await vi.waitFor(
      () => {
        expect(child.exitCode, err).toBeNull();
        expect(server.logged().map((line) => line.msg)).toContain('mnemo serving gRPC');
      },
      { timeout: 30_000, interval: 100 },
    );
  }
  return server;
}
