import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { repoRoot } from './repoRoot.js';

/** Environment of a child: ours without MNEMO_* settings (the harness sets those explicitly). */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('MNEMO_') && name !== 'NODE_OPTIONS') env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Spawns `node [nodeArgs] --import tsx <script>` (a path relative to the repository root) in the
 * repository root, with stdout and stderr piped, and an IPC channel when asked.
 */
export function spawnTsx(
  script: string,
  env: Record<string, string>,
  ipc = false,
  nodeArgs: readonly string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: repoRoot(),
    env: childEnv(env),
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

/** Whether the child has exited (or was killed by a signal). */
export function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited, with the time from
 * the signal to the exit in ms (0 when it had already exited).
 */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<number> {
  if (exited(child)) return 0;
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const started = performance.now();
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
  }, graceMs);
  await done;
  clearTimeout(timer);
  return performance.now() - started;
}
