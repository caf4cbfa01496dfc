/**
 * When a starting mnemo child is ready, and how its start went, learnt from outside as any
 * client would: grpc.health.v1 for readiness, /metrics for the index.
 */
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { exited } from './children.js';
import { MnemoClient } from '../../src/client/index.js';
import { clientOptions, type ClientSecurity } from './rpc.js';
import { episodic, scrapeMetrics } from './serverMetrics.js';

/** The grpc.health.v1 service whose SERVING means searches are answered from the index. */
const MEMORY_SERVICE = 'mnemo.v1.MemoryService';

/** How often a starting child's health and /metrics are polled. */
const POLL_MS = 25;

/**
 * Reconnection of the readiness channel: every poll may connect (grpc-js's default backoff,
 * 1 s and growing, would add seconds to the measured start).
 */
const PROBE_CHANNEL = {
  'grpc.initial_reconnect_backoff_ms': POLL_MS,
  'grpc.max_reconnect_backoff_ms': 4 * POLL_MS,
};

/** How one start of a mnemo child went, as seen through its gRPC health and its /metrics. */
export interface StartTiming {
  /** Spawn until ready: MemoryService SERVING, holding at least the memories asked for. */
  readyMs: number;
  /** Spawn until /metrics first answered (the server's first step); null if never seen. */
  metricsUpMs: number | null;
  /**
   * readyMs − metricsUpMs: Redis connected and the index loaded from its snapshot or rebuilt
   * from Redis (to within POLL_MS); null when /metrics was never seen.
   */
  indexMs: number | null;
  /**
   * Where the index came from: "rebuild" when /metrics shows a rebuild at start
   * (mnemo_index_rebuild_loaded), else "snapshot"; null when /metrics did not answer.
   */
  source: 'snapshot' | 'rebuild' | null;
  /** Memories in the episodic index when ready (mnemo_index_memories). */
  memories: number | null;
}

/** A just spawned mnemo child. */
export interface Starting {
  /** Its label in errors. */
  name: string;
  /** gRPC host:port. */
  address: string;
  /** /metrics host:port. */
  metricsAddress: string;
  /** How its gRPC is reached (TLS, tokens); plaintext when absent. */
  security?: ClientSecurity;
  child: ChildProcess;
  /** performance.now() at the spawn. */
  started: number;
  /** What to append to an error, for diagnosis (e.g. the end of its output). */
  diagnosis: () => string;
}

/**
 * Polls until MemoryService is SERVING and /metrics counts at least `minMemories` in the
 * episodic index; fails when the child exits, or after `timeoutMs`.
 */
export async function waitReady(
  s: Starting,
  timeoutMs: number,
  minMemories: number,
): Promise<StartTiming> {
  const deadline = Date.now() + timeoutMs;
  const health = new MnemoClient(s.address, clientOptions(2000, PROBE_CHANNEL, s.security));
  let metricsUpMs: number | null = null;
  let last: string;
  try {
    for (;;) {
      if (exited(s.child)) {
        const code = String(s.child.exitCode ?? s.child.signalCode);
        throw new Error(`${s.name} server exited (${code})${s.diagnosis()}`);
      }
      if (metricsUpMs === null && (await scrapeMetrics(s.metricsAddress, 1000)) !== null) {
        metricsUpMs = performance.now() - s.started;
      }
      try {
        const status = await health.health(MEMORY_SERVICE);
        last = `${MEMORY_SERVICE} ${status}`;
        if (status === 'SERVING') {
          const readyMs = performance.now() - s.started;
          const samples = await scrapeMetrics(s.metricsAddress);
          const memories = samples === null ? null : episodic(samples, 'mnemo_index_memories');
          if ((memories ?? 0) >= minMemories) return timing(readyMs, metricsUpMs, samples);
          last += `, ${String(memories)} memories indexed (expected ≥ ${minMemories})`;
        }
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${s.name} server was not ready within ${timeoutMs} ms (${last})${s.diagnosis()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    health.close();
  }
}

/** The figures of a start that became ready after `readyMs`; `samples` from just after. */
function timing(
  readyMs: number,
  metricsUpMs: number | null,
  samples: Record<string, number> | null,
): StartTiming {
  return {
    readyMs,
    metricsUpMs,
    indexMs: metricsUpMs === null ? null : readyMs - metricsUpMs,
    source:
      samples === null
        ? null
        : episodic(samples, 'mnemo_index_rebuild_loaded') === null
          ? 'snapshot'
          : 'rebuild',
    memories: samples === null ? null : episodic(samples, 'mnemo_index_memories'),
  };
}
