import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { exited, stopChild } from './children.js';

/** A TCP port that was free on loopback a moment ago (the OS's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export interface RedisHandle {
  url: string;
  pid: number | undefined;
  /** Stops the server (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

/** How long a redis-server may take to answer PING after its spawn. */
const START_TIMEOUT_MS = 10_000;

/**
 * A redis-server of our own on a free loopback port, without persistence (no RDB saves, no AOF;
 * a private working directory, removed when it stops), with `modules` loaded. Resolves once it
 * answers PING.
 */
export async function startRedis(modules: readonly string[] = []): Promise<RedisHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--protected-mode', 'no'];
  args.push('--dir', dir, '--save', '', '--appendonly', 'no');
  // As the deployment's redis-master.conf: the key removals mnemo follows are published.
  args.push('--notify-keyspace-events', 'Egxe');
  args.push(...modules.flatMap((path) => ['--loadmodule', path]));
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const removeDir = (): void => {
    rmSync(dir, { recursive: true, force: true });
  };
  child.once('exit', removeDir);
  const spawnError = await new Promise<Error | null>((resolve) => {
    child.once('spawn', () => {
      resolve(null);
    });
    child.once('error', resolve);
  });
  if (spawnError !== null) {
    removeDir();
    throw new Error(
      `cannot run redis-server (${spawnError.message}); install it, e.g. "sudo apt-get install redis-server"`,
    );
  }
  let output = '';
  const keep = (chunk: Buffer): void => {
    if (output.length < 10_000) output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitForPing(child, port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`redis-server on port ${port} did not start: ${output.slice(-500)}`, {
      cause: error,
    });
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    stop: async () => {
      await stopChild(child);
    },
  };
}

/** Polls PING until the server answers; fails when it exits or after START_TIMEOUT_MS. */
async function waitForPing(child: ChildProcess, port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited(child)) throw new Error('redis-server exited');
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      client.disconnect();
    }
  }
}
