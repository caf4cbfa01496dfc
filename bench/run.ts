/**
 * mnemo's benchmark harness: `npm run bench -- <phase> [options]` (`--help` for the list).
 *
 * Starts its own redis-server on a free loopback port and mnemo as a child process (or measures
 * a running `--target`), loads synthetic memories, measures, prints tables on stdout, and writes
 * JSON (and SVG charts) under bench/results/ with the machine, versions and settings beside every
 * figure. Everything it starts is stopped at the end, on Ctrl-C, and after --max-minutes.
 */
import { describeEnvironment, environment, finishEnvironment } from './lib/environment.js';
import { BenchContext } from './lib/context.js';
import {
  parseOptions,
  USAGE,
  UsageRequested,
  type BenchOptions,
  type Phase,
} from './lib/options.js';
import { renderTable, timestamp, writeOutputs, type PhaseOutput } from './lib/report.js';
import { agents } from './phases/agents.js';
import { importPhase } from './phases/import.js';
import { phase1, phase2 } from './phases/latency.js';
import { recall } from './phases/recall.js';
import { fanout } from './phases/fanout.js';
import { reconcile } from './phases/reconcile.js';
import { scale } from './phases/scale.js';
import { phase3 } from './phases/simulation.js';

const PHASES: Record<Phase, (ctx: BenchContext) => Promise<PhaseOutput>> = {
  phase1,
  phase2,
  phase3,
  recall,
  scale,
  agents,
  reconcile,
  fanout,
  import: importPhase,
};

function settingsOf(options: BenchOptions): Record<string, unknown> {
  return { ...options, compare: [...options.compare] };
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageRequested) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    process.stderr.write(
      `bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`,
    );
    return 2;
  }
  const env = environment();
  const ctx = new BenchContext(options, env);
  const stamp = timestamp();
  const startedAt = new Date().toISOString();
  let stopping = false;
  let stopped: Promise<void> = Promise.resolve();
  const abort = (reason: string, code: number): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nbench: ${reason}; stopping everything it started\n`);
    stopped = ctx.cleanup.runAll().finally(() => process.exit(code));
  };
  const hardStop = setTimeout(() => {
    abort(`--max-minutes ${options.maxMinutes} reached`, 124);
  }, options.maxMinutes * 60_000);
  hardStop.unref();
  const onSignal = (signal: NodeJS.Signals): void => {
    abort(signal, 130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const output = await PHASES[options.phase](ctx);
    finishEnvironment(env);
    const out: string[] = [
      `mnemo benchmark: ${options.phase}`,
      describeEnvironment(env),
      `data: ${ctx.dataset.description}`,
      '',
    ];
    for (const table of output.tables) out.push(renderTable(table), '');
    for (const note of output.notes) out.push(`- ${note}`);
    const servers = ctx.servers.map((s) => ({
      name: s.name,
      address: s.address,
      selfStarted: s.selfStarted,
      env: s.child?.settings ?? null,
    }));
    const written = writeOutputs(
      options.outDir,
      options.phase,
      stamp,
      {
        phase: options.phase,
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: env,
        settings: settingsOf(options),
        data: {
          kind: options.data,
          description: ctx.dataset.description,
          memories: ctx.dataset.size,
          dim: options.dim,
          seed: options.seed,
          clusters: options.data === 'clustered' ? options.clusters : null,
        },
        servers,
        redis: ctx.redisUrl,
        results: output.results,
      },
      output.charts,
      options.json,
    );
    out.push('', ...written.json.map((p) => `json: ${p}`), ...written.svg.map((p) => `svg:  ${p}`));
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    clearTimeout(hardStop);
    // After an abort the phase may still finish (its calls failing fast); the process must not
    // exit before the abort's cleanup has stopped (and first resumed) everything.
    if (stopping) await stopped;
    else await ctx.cleanup.runAll();
  }
}

process.exitCode = await main(process.argv.slice(2));
// gRPC and Redis clients are closed; exit now rather than wait for idle timers of libraries.
process.exit();
