import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnTsx, stopChild } from './children.js';

/**
 * The transport floor: a bare grpc-js server (bench/lib/echoServer.ts) in a child process that
 * answers SearchEpisodic with a fixed response of the size mnemo answers, through the same
 * protobuf definitions.
 */
export class EchoChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Starts the echo answering `response` (SearchEpisodic bytes); resolves once it serves. */
  static async start(response: Buffer, timeoutMs = 30_000): Promise<EchoChild> {
    const child = spawnTsx(join('bench', 'lib', 'echoServer.ts'), {}, true);
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (output.length < 10_000) output += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`echo server did not start: ${output}`));
      }, timeoutMs);
      child.once('message', (message: { port?: unknown }) => {
        clearTimeout(timer);
        if (typeof message.port === 'number') resolve(message.port);
        else reject(new Error('echo server sent no port'));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`echo server exited with ${String(code)}: ${output}`));
      });
      child.send({ response: response.toString('base64') });
    });
    return new EchoChild(child, port);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 5000);
  }
}
