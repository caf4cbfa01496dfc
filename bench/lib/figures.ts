import type { Answers } from './context.js';
import { throughput, type RunResult } from './driver.js';
import type { Cell } from './report.js';
import { ratio, round, summarize, type LatencySummary } from './stats.js';

/** The figures of one target in one measurement. */
export interface TargetFigures {
  target: string;
  calls: number;
  errors: number;
  firstError: string | null;
  latencyMs: LatencySummary;
  /** Successful calls per second. */
  throughput: number;
  seconds: number;
  /** Mean hits per answer (searches only): every target must have done the real search. */
  hitsPerAnswer: number | null;
  /** Answers without any hit (searches only). */
  emptyAnswers: number | null;
  /** Successful calls per second in each interleaved round (one entry when not interleaved). */
  roundThroughputs: number[];
  /**
   * CPU µs the server process used per successful call (every thread, from /proc), whatever the
   * load generator cost; null where the harness did not start the server.
   */
  serverCpuUsPerCall: number | null;
}

export function figures(target: string, run: RunResult, answers?: Answers): TargetFigures {
  return {
    target,
    calls: run.calls,
    errors: run.errors,
    firstError: run.firstError,
    latencyMs: roundSummary(summarize(run.latencies)),
    throughput: round(throughput(run), 1),
    roundThroughputs: (run.roundThroughputs ?? [throughput(run)]).map((t) => round(t, 1)),
    seconds: round(run.seconds, 3),
    hitsPerAnswer:
      answers === undefined || answers.answers === 0
        ? null
        : round(answers.hits / answers.answers, 2),
    emptyAnswers: answers?.empty ?? null,
    serverCpuUsPerCall:
      typeof run.serverCpuSeconds === 'number' && run.latencies.length > 0
        ? round((1e6 * run.serverCpuSeconds) / run.latencies.length, 1)
        : null,
  };
}

function roundSummary(s: LatencySummary): LatencySummary {
  return {
    count: s.count,
    mean: round(s.mean, 4),
    min: round(s.min, 4),
    p50: round(s.p50, 4),
    p95: round(s.p95, 4),
    p99: round(s.p99, 4),
    max: round(s.max, 4),
  };
}

/**
 * Ratios of mnemo against the echo floor (how many times the floor's p99, which share of its
 * throughput), of the naive mode against mnemo (how much the pipeline saves), of the secure
 * server against mnemo (what TLS and token authentication cost) and of the reconciling server
 * against mnemo without the reconciliation (what the reconciliation costs the searches).
 */
export interface Ratios {
  /** mnemo p99 / echo p99. */
  p99VsEcho: number | null;
  /** mnemo p50 / echo p50. */
  p50VsEcho: number | null;
  /** mnemo throughput / echo throughput. */
  throughputVsEcho: number | null;
  /** mnemo server CPU per call / echo server CPU per call. */
  cpuPerCallVsEcho: number | null;
  /** mnemo stream throughput / echo stream throughput (--compare stream). */
  streamThroughputVsEcho: number | null;
  /** mnemo stream server CPU per search / echo stream's. */
  streamCpuPerCallVsEcho: number | null;
  /** mnemo stream throughput / mnemo unary throughput. */
  streamThroughputVsUnary: number | null;
  /** mnemo stream server CPU per search / mnemo unary's. */
  streamCpuPerCallVsUnary: number | null;
  /** naive p99 / mnemo p99. */
  naiveP99VsMnemo: number | null;
  /** mnemo throughput / naive throughput. */
  throughputVsNaive: number | null;
  /** secure p50 / mnemo p50. */
  secureP50VsMnemo: number | null;
  /** secure p99 / mnemo p99. */
  secureP99VsMnemo: number | null;
  /** secure throughput / mnemo throughput. */
  secureThroughputVsMnemo: number | null;
  /** reconcile p99 / mnemo p99: what the reconciliation running beside the searches costs. */
  reconcileP99VsMnemo: number | null;
  /** reconcile throughput / mnemo throughput. */
  reconcileThroughputVsMnemo: number | null;
  /** as_of (mid-history) throughput / mnemo throughput: what as_of costs a search. */
  asOfThroughputVsMnemo: number | null;
  /** as_of with a reward filter, throughput / mnemo throughput. */
  asOfRewardThroughputVsMnemo: number | null;
  /** ranked p99 / mnemo p99: what ranking costs a search. */
  rankedP99VsMnemo: number | null;
  /** ranked throughput / mnemo throughput. */
  rankedThroughputVsMnemo: number | null;
  /**
   * Lowest and highest of the throughput ratios of the single rounds (each round runs every
   * target back to back): how much the machine's drift moved the ratio; null with one round.
   */
  throughputVsEchoRange: [number, number] | null;
  throughputVsNaiveRange: [number, number] | null;
  secureThroughputVsMnemoRange: [number, number] | null;
  reconcileThroughputVsMnemoRange: [number, number] | null;
  asOfThroughputVsMnemoRange: [number, number] | null;
  asOfRewardThroughputVsMnemoRange: [number, number] | null;
  rankedThroughputVsMnemoRange: [number, number] | null;
}

export function ratios(all: readonly TargetFigures[]): Ratios {
  const get = (name: string): TargetFigures | undefined => all.find((f) => f.target === name);
  const mnemo = get('mnemo');
  const echo = get('echo');
  const naive = get('naive');
  const secure = get('secure');
  const reconcile = get('reconcile');
  const mnemoStream = get('mnemo stream');
  const echoStream = get('echo stream');
  const asOf = get('as_of');
  const asOfReward = get('as_of reward');
  const ranked = get('ranked');
  const r = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined ? null : nullableRound(ratio(a, b));
  return {
    p99VsEcho: r(mnemo?.latencyMs.p99, echo?.latencyMs.p99),
    p50VsEcho: r(mnemo?.latencyMs.p50, echo?.latencyMs.p50),
    throughputVsEcho: r(mnemo?.throughput, echo?.throughput),
    cpuPerCallVsEcho: r(
      mnemo?.serverCpuUsPerCall ?? undefined,
      echo?.serverCpuUsPerCall ?? undefined,
    ),
    naiveP99VsMnemo: r(naive?.latencyMs.p99, mnemo?.latencyMs.p99),
    throughputVsNaive: r(mnemo?.throughput, naive?.throughput),
    secureP50VsMnemo: r(secure?.latencyMs.p50, mnemo?.latencyMs.p50),
    secureP99VsMnemo: r(secure?.latencyMs.p99, mnemo?.latencyMs.p99),
    secureThroughputVsMnemo: r(secure?.throughput, mnemo?.throughput),
    reconcileP99VsMnemo: r(reconcile?.latencyMs.p99, mnemo?.latencyMs.p99),
    reconcileThroughputVsMnemo: r(reconcile?.throughput, mnemo?.throughput),
    streamThroughputVsEcho: r(mnemoStream?.throughput, echoStream?.throughput),
    streamCpuPerCallVsEcho: r(
      mnemoStream?.serverCpuUsPerCall ?? undefined,
      echoStream?.serverCpuUsPerCall ?? undefined,
    ),
    streamThroughputVsUnary: r(mnemoStream?.throughput, mnemo?.throughput),
    streamCpuPerCallVsUnary: r(
      mnemoStream?.serverCpuUsPerCall ?? undefined,
      mnemo?.serverCpuUsPerCall ?? undefined,
    ),
    rankedP99VsMnemo: r(ranked?.latencyMs.p99, mnemo?.latencyMs.p99),
    rankedThroughputVsMnemo: r(ranked?.throughput, mnemo?.throughput),
    throughputVsEchoRange: roundRange(mnemo, echo),
    throughputVsNaiveRange: roundRange(mnemo, naive),
    secureThroughputVsMnemoRange: roundRange(secure, mnemo),
    reconcileThroughputVsMnemoRange: roundRange(reconcile, mnemo),
    asOfThroughputVsMnemo: r(asOf?.throughput, mnemo?.throughput),
    asOfRewardThroughputVsMnemo: r(asOfReward?.throughput, mnemo?.throughput),
    asOfThroughputVsMnemoRange: roundRange(asOf, mnemo),
    asOfRewardThroughputVsMnemoRange: roundRange(asOfReward, mnemo),
    rankedThroughputVsMnemoRange: roundRange(ranked, mnemo),
  };
}

function roundRange(
  a: TargetFigures | undefined,
  b: TargetFigures | undefined,
): [number, number] | null {
  const x = a?.roundThroughputs ?? [];
  const y = b?.roundThroughputs ?? [];
  if (x.length < 2 || x.length !== y.length) return null;
  const each = x.map((t, i) => ratio(t, y[i] ?? 0)).filter((v): v is number => v !== null);
  if (each.length !== x.length) return null;
  return [round(Math.min(...each), 3), round(Math.max(...each), 3)];
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : round(x, 3);
}

export const LATENCY_HEADERS = [
  'calls',
  'mean ms',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'max ms',
  'calls/s',
  'errors',
  'hits/answer',
  'server CPU µs/call',
];

export function latencyCells(f: TargetFigures): Cell[] {
  const l = f.latencyMs;
  return [
    f.calls,
    l.mean,
    l.p50,
    l.p95,
    l.p99,
    l.max,
    f.throughput,
    f.errors,
    f.hitsPerAnswer,
    f.serverCpuUsPerCall,
  ];
}

/** The compared targets of a run, as far as the ratio table goes. */
export interface Compared {
  naive: boolean;
  secure: boolean;
  reconcile: boolean;
  stream: boolean;
  asOf?: boolean;
  ranked: boolean;
}

export function ratioHeaders(compared: Compared): string[] {
  const headers = ['p99 mnemo/echo', 'p50 mnemo/echo', 'calls/s mnemo/echo', 'CPU/call mnemo/echo'];
  if (compared.naive) headers.push('p99 naive/mnemo', 'calls/s mnemo/naive');
  if (compared.secure) headers.push('p50 secure/mnemo', 'p99 secure/mnemo', 'calls/s secure/mnemo');
  if (compared.reconcile) headers.push('p99 reconcile/mnemo', 'calls/s reconcile/mnemo');
  if (compared.stream) {
    headers.push(
      'calls/s mnemo stream/echo stream',
      'CPU/call mnemo stream/echo stream',
      'calls/s mnemo stream/mnemo',
      'CPU/call mnemo stream/mnemo',
    );
  }
  if (compared.asOf === true) headers.push('calls/s as_of/mnemo', 'calls/s as_of reward/mnemo');
  if (compared.ranked) headers.push('p99 ranked/mnemo', 'calls/s ranked/mnemo');
  return headers;
}

export function ratioCells(r: Ratios, compared: Compared): Cell[] {
  const cells: Cell[] = [
    r.p99VsEcho,
    r.p50VsEcho,
    withRange(r.throughputVsEcho, r.throughputVsEchoRange),
    r.cpuPerCallVsEcho,
  ];
  if (compared.naive) {
    cells.push(r.naiveP99VsMnemo, withRange(r.throughputVsNaive, r.throughputVsNaiveRange));
  }
  if (compared.secure) {
    cells.push(
      r.secureP50VsMnemo,
      r.secureP99VsMnemo,
      withRange(r.secureThroughputVsMnemo, r.secureThroughputVsMnemoRange),
    );
  }
  if (compared.reconcile) {
    cells.push(
      r.reconcileP99VsMnemo,
      withRange(r.reconcileThroughputVsMnemo, r.reconcileThroughputVsMnemoRange),
    );
  }
  if (compared.stream) {
    cells.push(
      r.streamThroughputVsEcho,
      r.streamCpuPerCallVsEcho,
      r.streamThroughputVsUnary,
      r.streamCpuPerCallVsUnary,
    );
  }
  if (compared.asOf === true) {
    cells.push(
      withRange(r.asOfThroughputVsMnemo, r.asOfThroughputVsMnemoRange),
      withRange(r.asOfRewardThroughputVsMnemo, r.asOfRewardThroughputVsMnemoRange),
    );
  }
  if (compared.ranked) {
    cells.push(
      r.rankedP99VsMnemo,
      withRange(r.rankedThroughputVsMnemo, r.rankedThroughputVsMnemoRange),
    );
  }
  return cells;
}

/** `0.61 (0.57–0.66)`: the ratio over all rounds, and its lowest and highest single round. */
function withRange(value: number | null, range: [number, number] | null): Cell {
  if (value === null || range === null) return value;
  return `${value} (${range[0]}–${range[1]})`;
}

/**
 * Warnings about answers that did not do the real work: a search target answering fewer hits than
 * k (every filter of the latency phases passes far more than k memories), e.g. a server that
 * answered before its index was ready.
 */
export function answerNotes(all: readonly TargetFigures[], k: number): string[] {
  return all
    .filter((f) => (f.emptyAnswers ?? 0) > 0 || (f.hitsPerAnswer !== null && f.hitsPerAnswer < k))
    .map(
      (f) =>
        `WARNING: ${f.target}: ${f.hitsPerAnswer ?? '?'} hits per answer (k ${k}), ${f.emptyAnswers ?? '?'} empty answers: its figures are not comparable`,
    );
}

/** Notes on failed calls, so that figures from a run with errors are not taken at face value. */
export function errorNotes(all: readonly TargetFigures[]): string[] {
  return all
    .filter((f) => f.errors > 0)
    .map(
      (f) =>
        `WARNING: ${f.target}: ${f.errors} of ${f.calls} calls failed (first: ${f.firstError ?? '?'})`,
    );
}
