import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';

/**
 * Every Redis key mnemo uses, built under one configurable prefix. Cache keys and rate-limit
 * buckets live in a namespace: the shared one (`namespace` '') or an auth token's, whose keys
 * start `{prefix}tenant:{namespace}:` — never a shared key's start (`cache:`, `ratelimit:`), and
 * token names hold no `:`, so no two namespaces meet.
 */
export class RedisKeys {
  constructor(
    readonly prefix: string,
    readonly namespace = '',
  ) {}

  /** The same keys with cache keys and buckets in another namespace. */
  inNamespace(namespace: string): RedisKeys {
    return new RedisKeys(this.prefix, namespace);
  }

  /** Where the namespaced keys start: `{prefix}` or `{prefix}tenant:{namespace}:`. */
  private get spaced(): string {
    return this.namespace === '' ? this.prefix : `${this.prefix}tenant:${this.namespace}:`;
  }

  /** The hash of one memory: `{prefix}episodic:{id}` / `{prefix}semantic:{id}`. */
  memory(kind: MemoryKind, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  /** The key prefix of one kind's hashes (the FT.CREATE `PREFIX`). */
  memoryPrefix(kind: MemoryKind): string {
    return `${this.prefix}${kind}:`;
  }

  /** The memory a key is the hash of, or null for any other key. */
  memoryOf(key: string): { kind: MemoryKind; id: string } | null {
    for (const kind of KINDS) {
      const prefix = this.memoryPrefix(kind);
      if (key.startsWith(prefix)) return { kind, id: key.slice(prefix.length) };
    }
    return null;
  }

  /** SCAN pattern matching every hash of one kind. */
  memoryPattern(kind: MemoryKind): string {
    return `${escapeGlob(this.memoryPrefix(kind))}*`;
  }

  /** The change stream: one entry per write of memories, followed by every instance. */
  changes(): string {
    return `${this.prefix}mnemo:changes`;
  }

  /** A random id set once per dataset: a snapshot of another dataset is never loaded. */
  dataset(): string {
    return `${this.prefix}mnemo:dataset`;
  }

  /** A CacheService entry (value or hash): `{prefix}[tenant:{namespace}:]cache:{key}`. */
  cache(key: string): string {
    return `${this.spaced}cache:${key}`;
  }

  /** The state of one token bucket (hash of tokens and last refill time), in the namespace. */
  rateLimitBucket(bucket: string): string {
    return `${this.spaced}ratelimit:${bucket}`;
  }

  /** The request-quota bucket of one auth token. */
  tokenQuota(tokenName: string): string {
    return `${this.prefix}quota:${tokenName}`;
  }

  /**
   * The record of an upsert made with a request id (AIP-155), within the scope of one token
   * (token names hold no `:`): `{prefix}request:{scope}:{request id}`, kept for the window.
   */
  upsertRequest(scope: string, requestId: string): string {
    return `${this.prefix}request:${scope}:${requestId}`;
  }

  /** The audit log stream. */
  auditLog(): string {
    return `${this.prefix}audit:log`;
  }

  /**
   * The audit dedup index: hash of (agent_id, tx_id) → stream id, for the entries still in the
   * log (field: auditKeys.txField).
   */
  auditTxIndex(): string {
    return `${this.prefix}audit:txa`;
  }

  /**
   * The dedup index of entries logged before tx_ids were per agent: hash of tx_id → stream id.
   * Read (an entry of the same agent is still a duplicate) and emptied by trimming, never added to.
   */
  auditLegacyTxIndex(): string {
    return `${this.prefix}audit:tx`;
  }

  /** One agent's audit entries by wall_time: sorted set, member `{pnl micro-units}:{stream id}`. */
  auditAgentTimeline(agentId: string): string {
    return `${this.prefix}audit:time:${agentId}`;
  }

  /** One agent's P&L sums (micro-units) per wall_time bucket of `widthSeconds`: hash. */
  auditAgentPnl(agentId: string, widthSeconds: number): string {
    return `${this.prefix}audit:pnl:${widthSeconds}:${agentId}`;
  }

  /** One agent's trading session: hash (src/redis/lua/lib/session.lua). */
  session(agentId: string): string {
    return `${this.prefix}session:${agentId}`;
  }

  /** The agent id a session hash's key belongs to, or null for any other key. */
  sessionOf(key: string): string | null {
    const prefix = `${this.prefix}session:`;
    return key.startsWith(prefix) ? key.slice(prefix.length) : null;
  }

  /** SCAN pattern matching every session hash (and nothing else: see sessionHeartbeat). */
  sessionPattern(): string {
    return `${escapeGlob(`${this.prefix}session:`)}*`;
  }

  /** A session's heartbeat: a key that expires when the agent stops beating. */
  sessionHeartbeat(agentId: string): string {
    return `${this.prefix}session-hb:${agentId}`;
  }

  /** A session's recorded tx_ids: zset, member tx_id, score its trade number. */
  sessionTxIds(agentId: string): string {
    return `${this.prefix}session-tx:${agentId}`;
  }

  /** Heartbeat deadlines of active sessions: zset, member agent id, score ms (negative: noted). */
  sessionDeadlines(): string {
    return `${this.prefix}sessions:deadlines`;
  }

  /** Session counts by stored status (active, halted, ended): hash. */
  sessionCounts(): string {
    return `${this.prefix}sessions:counts`;
  }

  /** The stream of session changes WatchSessions follows (capped). */
  sessionChanges(): string {
    return `${this.prefix}sessions:changes`;
  }

  /** The last id given to a durable signal (`ms-seq`), for every channel. */
  signalSequence(): string {
    return `${this.prefix}signal:seq`;
  }

  /** The capped stream of one channel's durable signals. */
  signalStream(channel: string): string {
    return `${this.prefix}signal:stream:${channel}`;
  }

  /** The set of channels that have a stream of durable signals. */
  signalChannels(): string {
    return `${this.prefix}signal:channels`;
  }

  /** Hash: channel → the id of the newest durable signal trimmed from its stream. */
  signalHorizon(): string {
    return `${this.prefix}signal:horizon`;
  }

  /** The Redis pub/sub channel of a signal channel. */
  signalPubSub(channel: string): string {
    return `${this.signalPubSubPrefix()}${channel}`;
  }

  /** The Redis pub/sub pattern of every channel starting with `channelPrefix`. */
  signalPubSubPattern(channelPrefix: string): string {
    return `${escapeGlob(this.signalPubSubPrefix())}${escapeGlob(channelPrefix)}*`;
  }

  /** The signal channel of a Redis pub/sub channel, or null for another channel. */
  signalChannelOf(pubsubChannel: string): string | null {
    const prefix = this.signalPubSubPrefix();
    return pubsubChannel.startsWith(prefix) ? pubsubChannel.slice(prefix.length) : null;
  }

  private signalPubSubPrefix(): string {
    return `${this.prefix}signal:live:`;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
