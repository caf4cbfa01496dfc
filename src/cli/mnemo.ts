/**
 * The `mnemo` command's client commands (bin/mnemo.js runs `mnemo serve` itself): health, stats,
 * search, import and export. Exit status: 0 done, 1 failed (the server refused or is unhealthy,
 * an import stopped at a bad line), 2 the command line is wrong.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MnemoError, type MnemoClient } from '../client/index.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, UsageError, connect } from './connection.js';
import { exportEpisodic, exportSemantic } from './exportCommand.js';
import { importMemories } from './importCommand.js';
import { statePath } from './importState.js';
import { health, readVector, search, stats } from './inspect.js';
import { BadLine, type Kind } from '../client/jsonLines.js';

const USAGE = `usage: mnemo <command> [options]   (mnemo <command> --help for its options)

commands:
  serve                      run the server (what npm start runs; configured by MNEMO_* variables)
  health                     serving status of the server and each service
  stats                      index sizes, ef chosen, Redis memory and replicas, change-stream lag
  search                     one KNN search: vector from a file or stdin, filters, table or JSON
  import episodic|semantic FILE.jsonl[.gz]   load proto3-JSON memories, resumable
  export episodic|semantic   write every memory of a kind as proto3-JSON lines on stdout

exit status: 0 done, 1 failed, 2 wrong command line`;

const HELP: Record<string, string> = {
  health: `usage: mnemo health [--json] [connection]\n\nExit 0 when the server and every service are SERVING, else 1.\n\n${CONNECTION_HELP}`,
  stats: `usage: mnemo stats [--metrics URL] [--json] [connection]\n\n  --metrics URL   the server's /metrics (default http://localhost:9464/metrics)\n\n${CONNECTION_HELP}`,
  search: `usage: mnemo search [episodic|semantic] [--vector FILE|-] [-k N] [filters] [--exact] [--json] [connection]

  --vector FILE   floats as a JSON array or separated by spaces/commas (default: stdin)
  -k N            hits (default 10)
  --agent ID, --product ID, --regime NAME   exact filters (repeatable; semantic: --regime only)
  --reward-min X, --reward-max X            reward bounds, inclusive
  --exact         exact search instead of the index

${CONNECTION_HELP}`,
  import: `usage: mnemo import episodic|semantic FILE.jsonl[.gz] [--resume] [--on-error stop|skip] [--batch N] [--state FILE] [connection]

One memory per line in proto3 JSON (the contract's EpisodicMemory / SemanticMemory; JSON or
field names). Batches are stored whole or not at all; after each, FILE.mnemo-import.json records
the last line stored. --resume continues after it; importing again is harmless too (upserts
replace by id; a line without an id gets one derived from its text).

  --resume          continue an interrupted import of the same file
  --on-error MODE   a bad line: stop (default; exit 1, resumable) or skip (reported, counted)
  --batch N         memories per upsert (default 500, at most the server's batch limit)
  --in-flight N     batches in flight (default 4)
  --state FILE      where the progress is kept (default FILE.mnemo-import.json)

${CONNECTION_HELP}`,
  export: `usage: mnemo export episodic|semantic [connection] > FILE.jsonl

Every memory of the kind, vector included, one proto3-JSON line each: episodic newest first,
semantic best Sharpe ratio first (ties by id). Progress on stderr.

${CONNECTION_HELP}`,
};

type Flags = NonNullable<ParseArgsConfig['options']>;

/** The command's flags and positionals, every flag as parsed (UsageError on a mistake). */
function parse(
  args: string[],
  options: Flags,
): {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
} {
  try {
    return parseArgs({
      args,
      options: { ...options, ...CONNECTION_FLAGS, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInteger(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} must be a positive integer`);
  return n;
}

function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number`);
  return n;
}

function kindOf(value: string | undefined, command: string): Kind {
  if (value !== 'episodic' && value !== 'semantic')
    throw new UsageError(`${command}: episodic or semantic, not ${String(value)}`);
  return value;
}

async function withClient<T>(
  client: MnemoClient,
  work: (client: MnemoClient) => Promise<T>,
): Promise<T> {
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** Runs one command; resolves its exit status. */
export async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const help = HELP[command];
  if (help === undefined) throw new UsageError(`unknown command ${command}`);
  const out = process.stdout;
  switch (command) {
    case 'health': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      if (values.help === true) return printHelp(help);
      return (await withClient(connect(values), (c) => health(c, out, values.json === true)))
        ? 0
        : 1;
    }
    case 'stats': {
      const { values } = parse(rest, { json: { type: 'boolean' }, metrics: { type: 'string' } });
      if (values.help === true) return printHelp(help);
      const url = (values.metrics as string | undefined) ?? 'http://localhost:9464/metrics';
      await withClient(connect(values), (c) => stats(c, url, out, values.json === true));
      return 0;
    }
    case 'search': {
      const { values, positionals } = parse(rest, {
        vector: { type: 'string' },
        k: { type: 'string', short: 'k' },
        agent: { type: 'string', multiple: true },
        product: { type: 'string', multiple: true },
        regime: { type: 'string', multiple: true },
        'reward-min': { type: 'string' },
        'reward-max': { type: 'string' },
        exact: { type: 'boolean' },
        json: { type: 'boolean' },
      });
      if (values.help === true) return printHelp(help);
      const flags = {
        kind: kindOf(positionals[0] ?? 'episodic', 'search'),
        vector: readVector(values.vector as string | undefined),
        k: positiveInteger(values.k as string | undefined, 10, '-k'),
        agents: (values.agent as string[] | undefined) ?? [],
        products: (values.product as string[] | undefined) ?? [],
        regimes: (values.regime as string[] | undefined) ?? [],
        rewardMin: optionalNumber(values['reward-min'] as string | undefined, '--reward-min'),
        rewardMax: optionalNumber(values['reward-max'] as string | undefined, '--reward-max'),
        exact: values.exact === true,
      };
      await withClient(connect(values), (c) => search(c, flags, out, values.json === true));
      return 0;
    }
    case 'import': {
      const { values, positionals } = parse(rest, {
        resume: { type: 'boolean' },
        'on-error': { type: 'string' },
        batch: { type: 'string' },
        'in-flight': { type: 'string' },
        state: { type: 'string' },
      });
      if (values.help === true) return printHelp(help);
      const kind = kindOf(positionals[0], 'import');
      const file = positionals[1];
      if (file === undefined || positionals.length > 2) throw new UsageError('import: one FILE');
      const onError = (values['on-error'] as string | undefined) ?? 'stop';
      if (onError !== 'stop' && onError !== 'skip')
        throw new UsageError('--on-error: stop or skip');
      const result = await withClient(connect(values), async (client) => {
        const info = await client.memory.getInfo({});
        return importMemories(client, {
          kind,
          file,
          state: statePath(file, values.state as string | undefined),
          resume: values.resume === true,
          onError,
          batch: Math.min(
            positiveInteger(values.batch as string | undefined, 500, '--batch'),
            info.max_batch,
          ),
          inFlight: positiveInteger(values['in-flight'] as string | undefined, 4, '--in-flight'),
          progress: process.stderr,
        });
      });
      process.stderr.write(
        `imported ${result.imported}, skipped ${result.skipped}${result.failedLine === null ? '' : `, stopped at line ${result.failedLine} (fix it, then import again; --resume continues after the last stored line)`}\n`,
      );
      return result.failedLine === null ? 0 : 1;
    }
    case 'export': {
      const { values, positionals } = parse(rest, {});
      if (values.help === true) return printHelp(help);
      const kind = kindOf(positionals[0], 'export');
      if (positionals.length > 1) throw new UsageError('export: one kind');
      const exporter = kind === 'episodic' ? exportEpisodic : exportSemantic;
      await withClient(connect(values), (c) => exporter(c, out, process.stderr));
      return 0;
    }
    default:
      return printHelp(help);
  }
}

function printHelp(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** Runs the command line; exits with its status, errors said on stderr in one line. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await run(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mnemo: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof MnemoError) {
      process.stderr.write(
        `mnemo: ${error.codeName}: ${error.message}${error.field === null ? '' : ` (field ${error.field})`}\n`,
      );
      process.exitCode = 1;
    } else if (error instanceof BadLine) {
      process.stderr.write(`mnemo: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`mnemo: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}
