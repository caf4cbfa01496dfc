import type { Pool } from 'generic-pool';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { metrics } from '../../metrics/metrics.js';
import type { AuditEntry, AuditRecord } from '../../model/AuditEntry.js';
import { unavailable } from '../../model/errors.js';
import type { RedisAccess } from '../../redis/RedisAccess.js';
import type { RedisKeys } from '../../redis/RedisKeys.js';
import { auditAppend } from '../../redis/scripts/auditAppend.js';
import type { AuditAgentKeys } from '../../redis/scripts/auditKeys.js';
import { auditPnl } from '../../redis/scripts/auditPnl.js';
import { auditTrim } from '../../redis/scripts/auditTrim.js';
import { followStream } from '../../redis/followStream.js';
import {
  BUCKET_WIDTHS,
  bucketIndexes,
  fromMicroUnits,
  planPnlQuery,
  toMicroUnits,
} from './pnlBuckets.js';

export interface AuditOptions {
  /** The log is trimmed back to this many entries (oldest first)... */
  maxLen: number;
  /** ...once it holds maxLen + trimBatch: the log keeps between maxLen and maxLen + trimBatch. */
  trimBatch: number;
  /** Most entries one Range call scans when filtering (a page may then be short). */
  rangeScanLimit: number;
  /** How long one blocking read of a tail waits before it is issued again. */
  tailBlockMs: number;
  /** Most entries one blocking read of a tail returns. */
  tailReadCount: number;
}

export interface AppendResult {
  id: string;
  duplicate: boolean;
}

export interface RangeQuery {
  /** Inclusive; null = start of the log. */
  startId: string | null;
  /** Inclusive; null = end of the log. */
  endId: string | null;
  /** wall_time bounds, inclusive; null = unbounded. */
  fromTime: number | null;
  toTime: number | null;
  count: number;
  /** Only entries of these agents; null = every agent. */
  agentIds: readonly string[] | null;
  action: string | null;
}

export interface RangePage {
  records: AuditRecord[];
  /** Where the next page starts; null when the range is exhausted. */
  nextStartId: string | null;
}

export interface TailQuery {
  /** Follow entries after this id; null = only entries appended from now on. */
  afterId: string | null;
  /** Only entries of these agents; null = every agent. */
  agentIds: readonly string[] | null;
}

export interface PnlTotal {
  totalPnl: number;
  entries: number;
}

const MAX_TRIM_CHUNK = 1000;
const MAX_RANGE_CHUNK = 1000;

/**
 * The audit log: append-only entries in one Redis Stream, deduplicated by tx_id, with per-agent
 * P&L aggregates maintained by the same scripts that append and trim, so that AgentPnl reads a
 * few hundred numbers instead of replaying the log. Inputs are validated by the transport codec.
 *
 * Every command goes through the router: appends and trims as replicated writes, reads on the
 * master (a caller reads back what it has just appended; a replica may not have it yet). Tails
 * block on connections of their own pool, which the router does not route.
 */
export class AuditService {
  private trimming: Promise<number> | undefined;
  private readonly closing = new AbortController();

  constructor(
    private readonly redis: RedisAccess,
    private readonly keys: RedisKeys,
    private readonly tailPool: Pool<Redis>,
    private readonly log: Logger,
    private readonly options: AuditOptions,
  ) {}

  async append(entry: AuditEntry): Promise<AppendResult> {
    const [result] = await this.appendMany([entry]);
    if (result === undefined) throw new Error('audit append returned no result');
    return result;
  }

  /**
   * Appends entries in order in one script call (each one atomic with its dedup check and
   * aggregates). wall_time 0 means now.
   */
  async appendMany(entries: readonly AuditEntry[]): Promise<AppendResult[]> {
    if (entries.length === 0) return [];
    const now = Date.now() / 1000;
    const input = {
      log: this.keys.auditLog(),
      txIndex: this.keys.auditTxIndex(),
      legacyTxIndex: this.keys.auditLegacyTxIndex(),
      entries: entries.map((entry) => {
        const wallTime = entry.wallTime === 0 ? now : entry.wallTime;
        return {
          entry: { ...entry, wallTime },
          pnlMicro: toMicroUnits(entry.pnl),
          buckets: bucketIndexes(wallTime),
          keys: this.agentKeys(entry.agentId),
        };
      }),
    };
    const { appended: results, length } = await this.redis.replicatedWrite((redis) =>
      auditAppend(redis, input),
    );
    for (const { duplicate } of results) {
      metrics.auditAppends.inc({ result: duplicate ? 'duplicate' : 'appended' });
    }
    if (length >= this.options.maxLen + this.options.trimBatch) {
      try {
        await this.trim();
      } catch (error) {
        this.log.error({ err: error }, 'audit log trim failed');
      }
    }
    return results;
  }

  /**
   * Removes the oldest entries until the log holds maxLen, with their dedup entries and their
   * share of the aggregates. One trim at a time per instance; across instances a trim whose
   * view of the log's head is stale does nothing and looks again.
   */
  trim(): Promise<number> {
    this.trimming ??= this.trimLoop().finally(() => {
      this.trimming = undefined;
    });
    return this.trimming;
  }

  private async trimLoop(): Promise<number> {
    const stream = this.keys.auditLog();
    let removed = 0;
    for (;;) {
      const excess = (await this.redis.master((redis) => redis.xlen(stream))) - this.options.maxLen;
      if (excess <= 0) return removed;
      const head = await this.redis.master((redis) =>
        redis.xrange(stream, '-', '+', 'COUNT', Math.min(excess, MAX_TRIM_CHUNK)),
      );
      const input = {
        log: stream,
        txIndex: this.keys.auditTxIndex(),
        legacyTxIndex: this.keys.auditLegacyTxIndex(),
        entries: head.map(([id, flat]) => {
          const entry = parseEntry(flat);
          return {
            id,
            agentId: entry.agentId,
            txId: entry.txId,
            pnlMicro: toMicroUnits(entry.pnl),
            buckets: bucketIndexes(entry.wallTime),
            keys: this.agentKeys(entry.agentId),
          };
        }),
        keep: this.options.maxLen,
      };
      removed += await this.redis.replicatedWrite((redis) => auditTrim(redis, input));
    }
  }

  /** Entries in log order within bounds and filters, one page at most `count` long. */
  async range(query: RangeQuery): Promise<RangePage> {
    const stream = this.keys.auditLog();
    const filtered =
      query.agentIds !== null ||
      query.action !== null ||
      query.fromTime !== null ||
      query.toTime !== null;
    const records: AuditRecord[] = [];
    let start = query.startId ?? '-';
    const end = query.endId ?? '+';
    let scanned = 0;
    for (;;) {
      const chunk = filtered
        ? Math.min(MAX_RANGE_CHUNK, Math.max(1, this.options.rangeScanLimit - scanned))
        : query.count - records.length + 1;
      const from = start;
      const items = await this.redis.master((redis) =>
        redis.xrange(stream, from, end, 'COUNT', chunk),
      );
      for (let i = 0; i < items.length; i++) {
        const [id, flat] = items[i] ?? ['', []];
        scanned++;
        const entry = parseEntry(flat);
        if (!matches(entry, query)) continue;
        records.push({ id, entry });
        if (records.length === query.count) {
          const more = i < items.length - 1 || items.length === chunk;
          return { records, nextStartId: more ? nextStreamId(id) : null };
        }
      }
      const last = items[items.length - 1];
      if (items.length < chunk || last === undefined) return { records, nextStartId: null };
      start = nextStreamId(last[0]);
      if (filtered && scanned >= this.options.rangeScanLimit) {
        return { records, nextStartId: start };
      }
    }
  }

  /**
   * Follows the log: delivers every entry after `afterId` (or after the current end) in order,
   * as it is appended, until `signal` aborts or the service closes. Each tail holds one pooled
   * blocking connection; when none is free the tail is refused at once. Cancelling interrupts
   * the blocked read by destroying that connection (the pool opens a fresh one later).
   */
  async tail(
    query: TailQuery,
    signal: AbortSignal,
    deliver: (record: AuditRecord) => Promise<void>,
  ): Promise<void> {
    if (this.closing.signal.aborted) throw unavailable('the server is shutting down', 1000);
    const follow = {
      pool: this.tailPool,
      stream: this.keys.auditLog(),
      after: query.afterId,
      readCount: this.options.tailReadCount,
      blockMs: this.options.tailBlockMs,
      stop: AbortSignal.any([signal, this.closing.signal]),
      name: 'tail',
      log: this.log,
    };
    await followStream(follow, async (id, flat) => {
      const entry = parseEntry(flat);
      if (query.agentIds === null || query.agentIds.includes(entry.agentId)) {
        await deliver({ id, entry });
      }
    });
    if (this.closing.signal.aborted && !signal.aborted) {
      throw unavailable('the server is shutting down; resume the tail after the last id seen');
    }
  }

  /** The exact sum of an agent's pnl with wall_time in [from, to] (null = unbounded). */
  async agentPnl(agentId: string, from: number | null, to: number | null): Promise<PnlTotal> {
    const plan = planPnlQuery(from, to);
    const keys = this.agentKeys(agentId);
    const { entries, pnlMicro } = await this.redis.master((redis) => auditPnl(redis, keys, plan));
    return { totalPnl: fromMicroUnits(pnlMicro), entries };
  }

  /** Ends every live tail (they answer UNAVAILABLE) and refuses new ones. */
  close(): void {
    this.closing.abort();
  }

  /** The agent's timeline and P&L hashes (one per bucket width, coarsest first). */
  private agentKeys(agentId: string): AuditAgentKeys {
    const pnl = (width: number) => this.keys.auditAgentPnl(agentId, width);
    const [day, hour, minute, second] = BUCKET_WIDTHS;
    return {
      timeline: this.keys.auditAgentTimeline(agentId),
      pnl: [pnl(day), pnl(hour), pnl(minute), pnl(second)],
    };
  }
}

function matches(entry: AuditEntry, query: RangeQuery): boolean {
  if (query.agentIds !== null && !query.agentIds.includes(entry.agentId)) return false;
  if (query.action !== null && entry.action !== query.action) return false;
  if (query.fromTime !== null && !(entry.wallTime >= query.fromTime)) return false;
  if (query.toTime !== null && !(entry.wallTime <= query.toTime)) return false;
  return true;
}

/** A stream entry's flat field list as an AuditEntry (unknown fields ignored). */
export function parseEntry(flat: readonly string[]): AuditEntry {
  const entry: AuditEntry = {
    agentId: '',
    action: '',
    market: '',
    amount: 0,
    status: '',
    txId: '',
    pnl: 0,
    wallTime: 0,
    meta: '',
  };
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const value = flat[i + 1] ?? '';
    switch (flat[i]) {
      case 'agent_id':
        entry.agentId = value;
        break;
      case 'action':
        entry.action = value;
        break;
      case 'market':
        entry.market = value;
        break;
      case 'amount':
        entry.amount = Number(value);
        break;
      case 'status':
        entry.status = value;
        break;
      case 'tx_id':
        entry.txId = value;
        break;
      case 'pnl':
        entry.pnl = Number(value);
        break;
      case 'wall_time':
        entry.wallTime = Number(value);
        break;
      case 'meta':
        entry.meta = value;
        break;
    }
  }
  return entry;
}

/** The smallest stream id after `id` (`ms-seq`, or `ms` meaning `ms-0`). */
export function nextStreamId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  const next = BigInt(seq) + 1n;
  if (next > 0xffff_ffff_ffff_ffffn) return `${BigInt(ms) + 1n}-0`;
  return `${ms}-${next}`;
}
