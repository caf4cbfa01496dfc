import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { MnemoError, type MnemoClient } from '../client/index.js';
import { BadLine, parseMemory, type Kind } from '../client/jsonLines.js';
import { readLines, type Line } from './lineReader.js';
import { readState, removeState, writeState, type ImportState } from './importState.js';
import { Progress } from './progress.js';

export interface ImportOptions {
  kind: Kind;
  file: string;
  state: string;
  resume: boolean;
  onError: 'stop' | 'skip';
  batch: number;
  inFlight: number;
  progress: NodeJS.WritableStream & { isTTY?: boolean };
}

/** How an import ended. */
export interface ImportResult {
  imported: number;
  skipped: number;
  /** The line that stopped it (with --on-error stop), or null. */
  failedLine: number | null;
}

interface Pending {
  lines: Line[];
  memories: Record<string, unknown>[];
  /** The running digest of the file's lines through this batch's last. */
  prefix: string;
}

/** The bad line of a batch an INVALID_ARGUMENT names (`memories[i]…`), or -1. */
function badIndex(error: MnemoError): number {
  const match = /^memories\[(\d+)\]/.exec(error.field ?? '');
  return error.codeName === 'INVALID_ARGUMENT' && match ? Number(match[1]) : -1;
}

/**
 * Streams a JSON-lines file of memories into mnemo in batches, a few in flight, in constant
 * memory. After each batch the server has stored (all of it or none: one upsert is atomic), the
 * state file records the last line stored, so `--resume` continues after it. A line without an id
 * gets one derived from its text (the same line always gives the same memory), and upserts
 * replace by id, so a batch sent again after a kill, or a whole file imported again, stores no
 * memory twice.
 */
export async function importMemories(
  client: MnemoClient,
  options: ImportOptions,
): Promise<ImportResult> {
  const previous = options.resume ? readState(options.state) : null;
  if (previous !== null && previous.kind !== options.kind) {
    throw new BadLine(`${options.state} is the state of an import of ${previous.kind} memories`);
  }
  const state: ImportState = previous ?? {
    kind: options.kind,
    line: 0,
    prefix: '',
    imported: 0,
    skipped: 0,
  };
  const resumeAt = state.line;
  /** What the lines read so far say (number and text of each): the file a state belongs to. */
  const running = createHash('sha256');
  const report = (line: number, why: string): void => {
    options.progress.write(`line ${line}: ${why}\n`);
  };
  const size = statSync(options.file).size;
  let readBytes = 0;
  const progress = new Progress(options.progress, `${options.kind} memories imported:`);
  const window: Promise<Pending | null>[] = [];
  let failedLine: number | null = null;
  /** Why each line that stopped a batch (or the reading) is bad, for the one report of a stop. */
  const badLines = new Map<number, string>();

  const send = async (pending: Pending): Promise<Pending | null> => {
    for (;;) {
      if (pending.memories.length === 0) return pending;
      const first = pending.lines[0]?.number ?? 0;
      const last = pending.lines[pending.lines.length - 1]?.number ?? 0;
      const requestId = createHash('sha256')
        .update(`${pending.prefix}:${first}:${last}:${pending.memories.length}`)
        .digest('hex')
        .slice(0, 32);
      try {
        if (options.kind === 'episodic')
          await client.memory.upsertEpisodic({ memories: pending.memories, request_id: requestId });
        else
          await client.memory.upsertSemantic({ memories: pending.memories, request_id: requestId });
        return pending;
      } catch (error) {
        const failure = error instanceof MnemoError ? error : null;
        const index = failure === null ? -1 : badIndex(failure);
        const line = pending.lines[index];
        if (failure === null || line === undefined) throw error;
        if (options.onError === 'stop') {
          // The first bad line is the one said (later batches may have been in flight).
          if (failedLine === null || line.number < failedLine) failedLine = line.number;
          badLines.set(line.number, failure.message);
          return null;
        }
        report(line.number, failure.message);
        state.skipped++;
        pending.lines.splice(index, 1);
        pending.memories.splice(index, 1);
      }
    }
  };

  /** Waits for the oldest batch; records it. False once the import must stop. */
  const settle = async (): Promise<boolean> => {
    const done = await window.shift();
    // Once a batch failed, the state stays before it: later batches are not recorded.
    if (done === null || done === undefined || failedLine !== null) return false;
    const last = done.lines[done.lines.length - 1];
    if (last !== undefined) {
      state.line = last.number;
      state.prefix = done.prefix;
    }
    state.imported += done.memories.length;
    writeState(options.state, state);
    progress.update(state.imported, readBytes, size);
    return true;
  };

  let batch: Pending = { lines: [], memories: [], prefix: '' };
  const flush = async (): Promise<boolean> => {
    if (batch.lines.length === 0) return true;
    window.push(send(batch));
    batch = { lines: [], memories: [], prefix: '' };
    return window.length < options.inFlight || (await settle());
  };

  let stopped = false;
  for await (const line of readLines(options.file, (bytes) => (readBytes = bytes))) {
    running.update(`${line.number}\t${line.text}\n`);
    if (line.number <= resumeAt) {
      if (line.number === resumeAt && running.copy().digest('hex') !== state.prefix) {
        throw new BadLine(
          `the first ${resumeAt} lines of ${options.file} are not those the stopped import stored: ` +
            'import it again without --resume (importing again stores nothing twice)',
        );
      }
      continue;
    }
    let memory: Record<string, unknown>;
    try {
      memory = parseMemory(options.kind, line.text);
    } catch (error) {
      if (!(error instanceof BadLine)) throw error;
      if (options.onError === 'stop') {
        // Store the lines before it first, so that --resume starts at the bad line.
        await flush();
        while (window.length > 0) await settle();
        if (failedLine === null) failedLine = line.number;
        badLines.set(line.number, error.message);
        stopped = true;
        break;
      }
      report(line.number, error.message);
      state.skipped++;
      continue;
    }
    if (memory.id === undefined || memory.id === '') {
      memory.id = `imp-${createHash('sha256').update(line.text).digest('hex').slice(0, 32)}`;
    }
    batch.lines.push(line);
    batch.memories.push(memory);
    batch.prefix = running.copy().digest('hex');
    if (batch.lines.length >= options.batch && !(await flush())) {
      stopped = true;
      break;
    }
  }
  if (!stopped) await flush();
  while (window.length > 0) {
    if (!(await settle())) stopped = true;
  }
  if (failedLine !== null) report(failedLine, badLines.get(failedLine) ?? 'bad line');
  if (failedLine === null && !stopped) {
    removeState(options.state);
    progress.finish(state.imported);
  }
  return { imported: state.imported, skipped: state.skipped, failedLine };
}
