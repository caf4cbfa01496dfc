import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one metrics module: every metric mnemo exports, on one registry. Labels are bounded: kinds,
 * methods, codes, query types and Redis nodes, never an agent id, key or bucket.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });
// Gauges named like counters, which `promtool check metrics` rejects; nodejs_active_handles,
// nodejs_active_requests and nodejs_active_resources (by type) carry the same counts.
for (const name of [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]) {
  registry.removeSingleMetric(name);
}

const LATENCY_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

export const metrics = {
  querySeconds: new Histogram({
    name: 'redis_memory_query_seconds',
    help: 'Memory query latency by query type',
    labelNames: ['query_type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  queriesTotal: new Counter({
    name: 'redis_memory_queries_total',
    help: 'Memory queries by query type and outcome',
    labelNames: ['query_type', 'status'] as const,
    registers: [registry],
  }),
  cacheHits: new Counter({
    name: 'redis_memory_cache_hits_total',
    help: 'Cache lookups that found their entry, by cache: kv (CacheService reads) or result (searches answered from the result cache)',
    labelNames: ['cache'] as const,
    registers: [registry],
  }),
  cacheMisses: new Counter({
    name: 'redis_memory_cache_misses_total',
    help: 'Cache lookups that did not find their entry, by cache: kv (CacheService reads) or result (searches the result cache could not answer)',
    labelNames: ['cache'] as const,
    registers: [registry],
  }),
  batchSize: new Histogram({
    name: 'mnemo_batch_size',
    help: 'Queries per executed search batch',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128],
    registers: [registry],
  }),
  dedupCoalesced: new Counter({
    name: 'mnemo_dedup_coalesced_total',
    help: 'Search requests answered by an identical request already in flight',
    registers: [registry],
  }),
  breakerState: new Gauge({
    name: 'mnemo_breaker_state',
    help: 'Circuit breaker state per Redis node: 0 closed, 1 half-open, 2 open',
    labelNames: ['node'] as const,
    registers: [registry],
  }),
  replicaReads: new Counter({
    name: 'mnemo_redis_reads_total',
    help: 'Read commands (pipelines) sent per Redis node and role',
    labelNames: ['node', 'role'] as const,
    registers: [registry],
  }),
  searchPlans: new Counter({
    name: 'mnemo_search_plans_total',
    help: 'Index searches by plan: exact (brute force), hnsw, hnsw_filtered, empty',
    labelNames: ['plan'] as const,
    registers: [registry],
  }),
  distanceComputations: new Counter({
    name: 'mnemo_index_distance_computations_total',
    help: 'Vector distance computations by the index, by search plan: exact, hnsw, hnsw_filtered',
    labelNames: ['plan'] as const,
    registers: [registry],
  }),
  filterSelections: new Counter({
    name: 'mnemo_index_filter_selections_total',
    help: "Filtered searches' selections of the memories passing their filter: kept (answered from the selections of recent filters, the index unchanged since) or selected (a pass over the filter's postings)",
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  rankedSearches: new Counter({
    name: 'mnemo_ranked_searches_total',
    help: 'Ranked searches (a ranking beyond distance), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  rankingScored: new Counter({
    name: 'mnemo_ranking_scored_total',
    help: 'Memories ranked searches scored by brute force beyond their distance neighbours (their attribute terms could still reach the top k), by kind; divided by mnemo_ranked_searches_total, the extra work per ranked search',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  recordCacheLookups: new Counter({
    name: 'mnemo_record_cache_lookups_total',
    help: 'Search hits looked up in process: hit (the record cache held it), index (built from what the index holds) or miss (read from Redis)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  keyRemovalsFollowed: new Gauge({
    name: 'mnemo_key_removals_followed',
    help: 'Whether Redis reports every key removal as it happens (1), so cached search hits answer whatever their age; 0: they are read again after MNEMO_RECORD_CACHE_MAX_AGE_MS',
    registers: [registry],
  }),
  recordCacheBytes: new Gauge({
    name: 'mnemo_record_cache_bytes',
    help: 'Estimated bytes held by the in-process record cache',
    registers: [registry],
  }),
  indexRebuilding: new Gauge({
    name: 'mnemo_index_rebuilding',
    help: '1 while the index of a kind is being rebuilt from Redis',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  indexRebuildLoaded: new Gauge({
    name: 'mnemo_index_rebuild_loaded',
    help: 'Memories loaded so far by the current (or last) rebuild of a kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  changeStreamLagSeconds: new Gauge({
    name: 'mnemo_change_stream_lag_seconds',
    help: 'Age of the last change-stream entry applied to the index when it was applied',
    registers: [registry],
  }),
  indexSize: new Gauge({
    name: 'mnemo_index_memories',
    help: 'Memories in the in-process index, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  indexRepairs: new Counter({
    name: 'mnemo_index_repairs_total',
    help: 'Memories dropped from the index because Redis no longer held them and no change entry said so (deleted behind mnemo, expired, evicted), by kind and by what found them: read, notification, reconcile',
    labelNames: ['kind', 'source'] as const,
    registers: [registry],
  }),
  reconcileChecked: new Counter({
    name: 'mnemo_reconcile_checked_total',
    help: 'Memories of the index checked against Redis by the background reconciliation, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  reconcilePasses: new Counter({
    name: 'mnemo_reconcile_passes_total',
    help: 'Full passes of the background reconciliation over the index, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  indexResyncs: new Counter({
    name: 'mnemo_index_resyncs_total',
    help: 'Rebuilds of the index from Redis while running, by reason: dataset_reset, stream_gap, master_change',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  efDefault: new Gauge({
    name: 'mnemo_index_ef_default',
    help: 'ef of unfiltered graph searches that set none (calibrated to the target recall), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  filteredEfScale: new Gauge({
    name: 'mnemo_index_filtered_ef_scale',
    help: 'Factor on the default ef of filtered graph searches (calibrated on the filtered searches served), by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  recallEstimate: new Gauge({
    name: 'mnemo_index_recall_estimate',
    help: 'Recall@10 of unfiltered graph searches at the default ef, as last measured, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  authDenied: new Counter({
    name: 'mnemo_auth_denied_total',
    help: 'Calls denied by authentication or scope, by reason (missing_token, invalid_token, role, scope, quota)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  rateLimitDecisions: new Counter({
    name: 'mnemo_ratelimit_decisions_total',
    help: 'Token-bucket acquisitions by decision (admitted, denied)',
    labelNames: ['decision'] as const,
    registers: [registry],
  }),
  auditAppends: new Counter({
    name: 'mnemo_audit_appends_total',
    help: 'Audit log appends by result (appended, duplicate)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  sessionTrades: new Counter({
    name: 'mnemo_session_trades_total',
    help: 'SessionService trades by result (recorded, duplicate, rejected_halted, rejected_ended, rejected_overflow)',
    labelNames: ['result'] as const,
    registers: [registry],
  }),
  sessionHalts: new Counter({
    name: 'mnemo_session_halts_total',
    help: 'Sessions halted by their drawdown limit',
    registers: [registry],
  }),
  sessions: new Gauge({
    name: 'mnemo_sessions',
    help: 'Sessions by status (active, stale, halted, ended), as of the last heartbeat sweep',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  signalsPublished: new Counter({
    name: 'mnemo_signals_published_total',
    help: 'SignalService messages published, by durable (true: also kept in its channel stream)',
    labelNames: ['durable'] as const,
    registers: [registry],
  }),
  signalsDelivered: new Counter({
    name: 'mnemo_signals_delivered_total',
    help: 'SignalService messages written to Subscribe streams (live and resumed)',
    registers: [registry],
  }),
  signalsDropped: new Counter({
    name: 'mnemo_signals_dropped_total',
    help: 'SignalService messages not delivered to a subscriber, by reason (overflow: buffered for a subscriber ended for being slow; undecodable)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  signalSubscribers: new Gauge({
    name: 'mnemo_signal_subscribers',
    help: 'Subscribe streams open on this instance',
    registers: [registry],
  }),
  signalDeliverySeconds: new Histogram({
    name: 'mnemo_signal_delivery_seconds',
    help: 'Time from the publish of a live signal (its publishing instance clock) to its write to a Subscribe stream',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  // The gRPC server metrics of the usual convention (go-grpc-prometheus), set by one interceptor
  // (src/api/middleware/metrics.ts) for every call: unary and streaming, health and reflection too.
  grpcStarted: new Counter({
    name: 'grpc_server_started_total',
    help: 'RPCs started on the server',
    labelNames: ['grpc_type', 'grpc_service', 'grpc_method'] as const,
    registers: [registry],
  }),
  grpcHandled: new Counter({
    name: 'grpc_server_handled_total',
    help: 'RPCs completed on the server, by status code',
    labelNames: ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'] as const,
    registers: [registry],
  }),
  grpcHandlingSeconds: new Histogram({
    name: 'grpc_server_handling_seconds',
    help: 'Time from the arrival of an RPC to its status (streams: their whole life)',
    labelNames: ['grpc_type', 'grpc_service', 'grpc_method'] as const,
    buckets: [...LATENCY_BUCKETS, 5, 10, 30],
    registers: [registry],
  }),
  // Polled from the Redis master's INFO by src/redis/MasterProbe.ts (owned by the router).
  redisMemoryUsage: new Gauge({
    name: 'redis_memory_usage_bytes',
    help: 'Memory used by the Redis master (INFO used_memory)',
    registers: [registry],
  }),
  redisConnectionsActive: new Gauge({
    name: 'redis_connections_active',
    help: 'Clients connected to the Redis master, every mnemo instance included (INFO connected_clients)',
    registers: [registry],
  }),
  // The call limits of the mnemo services (src/api/middleware/limits.ts).
  callsInFlight: new Gauge({
    name: 'mnemo_calls_in_flight',
    help: 'Calls of the mnemo services in flight (streams included), as counted against MNEMO_MAX_INFLIGHT',
    registers: [registry],
  }),
  streamsOpen: new Gauge({
    name: 'mnemo_streams_open',
    help: 'Server-streaming calls open, as counted against MNEMO_MAX_STREAMS',
    registers: [registry],
  }),
  callsRefused: new Counter({
    name: 'mnemo_calls_refused_total',
    help:
      'Calls refused (or streams ended) RESOURCE_EXHAUSTED at a limit: inflight, ' +
      'inflight_per_connection, streams, streams_per_client, stream_idle',
    labelNames: ['limit'] as const,
    registers: [registry],
  }),
  healthStatus: new Gauge({
    name: 'mnemo_health_serving',
    help: 'grpc.health.v1 status per service ("" = the whole server): 1 SERVING, 0 NOT_SERVING',
    labelNames: ['service'] as const,
    registers: [registry],
  }),
};

// Every plan's series from the start, at 0, so that distances per search can be charted before a
// plan has run (the index counts them: metrics.distanceComputations.inc({ plan }, n)).
for (const plan of ['exact', 'hnsw', 'hnsw_filtered'])
  metrics.distanceComputations.inc({ plan }, 0);
for (const result of ['hit', 'index', 'miss']) metrics.recordCacheLookups.inc({ result }, 0);
for (const result of ['kept', 'selected']) metrics.filterSelections.inc({ result }, 0);
for (const cache of ['kv', 'result']) {
  metrics.cacheHits.inc({ cache }, 0);
  metrics.cacheMisses.inc({ cache }, 0);
}
// The background reconciliation's series too (it runs on a timer, so its first pass would
// otherwise add series between two scrapes), and the ranked searches'.
for (const kind of ['episodic', 'semantic']) {
  metrics.reconcileChecked.inc({ kind }, 0);
  metrics.reconcilePasses.inc({ kind }, 0);
  metrics.rankedSearches.inc({ kind }, 0);
  metrics.rankingScored.inc({ kind }, 0);
}
for (const durable of ['true', 'false']) metrics.signalsPublished.inc({ durable }, 0);
for (const reason of ['overflow', 'undecodable']) metrics.signalsDropped.inc({ reason }, 0);
for (const status of ['active', 'stale', 'halted', 'ended']) metrics.sessions.set({ status }, 0);
for (const limit of [
  'inflight',
  'inflight_per_connection',
  'streams',
  'streams_per_client',
  'stream_idle',
])
  metrics.callsRefused.inc({ limit }, 0);
