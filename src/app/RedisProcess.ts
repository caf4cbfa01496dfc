import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { redisAnswers } from '../redis/clients.js';

export interface RedisProcessOptions {
  /** 0 = a free port chosen by the OS. */
  port?: number;
  /** Working directory for AOF/RDB files; none means no persistence. */
  dataDir?: string;
  /** Extra `--name value` arguments, e.g. ['--replicaof', '127.0.0.1 6380']. */
  args?: readonly string[];
  /** A config file to start from (command-line options override it). */
  config?: string;
  binary?: string;
}

/** A free TCP port on loopback. */
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

/** Raised when no redis-server binary can be run. */
export class RedisBinaryMissing extends Error {
  override readonly name = 'RedisBinaryMissing';
}

/** A redis-server child process on loopback. */
export class RedisProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** A directory made for a server without persistence, removed when it exits. */
    tempDir: string | null,
  ) {
    if (tempDir !== null) {
      child.once('exit', () => {
        rmSync(tempDir, { recursive: true, force: true });
      });
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: RedisProcessOptions = {}): Promise<RedisProcess> {
    const port = options.port && options.port > 0 ? options.port : await freePort();
    const args = [
      ...(options.config === undefined ? [] : [options.config]),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'no',
    ];
    let tempDir: string | null = null;
    if (options.args?.includes('--sentinel')) {
      // Sentinels keep their state in their config file; no dataset options apply.
    } else if (options.dataDir !== undefined) {
      mkdirSync(options.dataDir, { recursive: true });
      args.push('--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec');
    } else {
      // No persistence, but a directory of its own: a replica's full sync still writes an RDB.
      tempDir = mkdtempSync(join(tmpdir(), 'mnemo-redis-'));
      args.push('--dir', tempDir, '--save', '', '--appendonly', 'no');
    }
    args.push(...(options.args ?? []));
    const child = spawn(options.binary ?? 'redis-server', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const spawned = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => {
        resolve(null);
      });
      child.once('error', resolve);
    });
    if (spawned !== null) {
      throw new RedisBinaryMissing(
        `cannot run redis-server (${spawned.message}); install it, e.g. "sudo apt-get install redis-server"`,
      );
    }
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      if (output.length < 10_000) output += chunk.toString();
    });
    const process = new RedisProcess(child, port, tempDir);
    try {
      await process.waitReady(10_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start: ${output.slice(-500)}`, {
        cause: error,
      });
    }
    return process;
  }

  /** Polls PING until the server answers; fails when it exits or after `timeoutMs`. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error('redis-server exited');
      if (await redisAnswers(this.url, 500)) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Stops the server: SIGTERM (a clean shutdown) or SIGKILL (a crash). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      this.child.once('exit', () => {
        resolve();
      }),
    );
    this.child.kill(signal);
    await exited;
  }
}
