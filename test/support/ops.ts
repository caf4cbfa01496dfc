import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type ChannelOptions,
  type Client,
  type ClientDuplexStream,
  type ClientReadableStream,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { healthPackageDefinition } from '../../src/api/health.js';
import { PROTO_OPTIONS } from '../../src/api/protos.js';

/** Every metric the design doc, the dashboard and the operators rely on, with its type. */
export const REQUIRED_METRICS: Readonly<Record<string, string>> = {
  redis_memory_query_seconds: 'histogram',
  redis_memory_queries_total: 'counter',
  redis_memory_cache_hits_total: 'counter',
  redis_memory_cache_misses_total: 'counter',
  redis_memory_usage_bytes: 'gauge',
  redis_connections_active: 'gauge',
  grpc_server_started_total: 'counter',
  grpc_server_handled_total: 'counter',
  grpc_server_handling_seconds: 'histogram',
  mnemo_batch_size: 'histogram',
  mnemo_dedup_coalesced_total: 'counter',
  mnemo_breaker_state: 'gauge',
  mnemo_redis_reads_total: 'counter',
  mnemo_index_memories: 'gauge',
  mnemo_index_rebuilding: 'gauge',
  mnemo_index_rebuild_loaded: 'gauge',
  mnemo_change_stream_lag_seconds: 'gauge',
  mnemo_ratelimit_decisions_total: 'counter',
  mnemo_auth_denied_total: 'counter',
  mnemo_audit_appends_total: 'counter',
  mnemo_health_serving: 'gauge',
};

/** Client channel options for tests: reconnect within milliseconds, not the default second. */
export const FAST_RECONNECT: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 20,
  'grpc.max_reconnect_backoff_ms': 100,
};

function clientConstructor(root: GrpcObject, path: string): ServiceClientConstructor {
  let node: unknown = root;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ServiceClientConstructor;
}

type Callback = (error: ServiceError | null, response?: unknown) => void;

function unaryCall<R>(
  client: Client,
  method: string,
  request: unknown,
  deadlineMs = 5000,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const fn = (client as unknown as Record<string, (...args: unknown[]) => void>)[method];
    if (fn === undefined) throw new Error(`no method ${method}`);
    const callback: Callback = (error, response) => {
      if (error) reject(error);
      else resolve(response as R);
    };
    fn.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs }, callback);
  });
}

export interface HealthClient {
  /** The status name Check answers (rejects with the call's error, e.g. NOT_FOUND). */
  check(service: string, deadlineMs?: number): Promise<string>;
  list(): Promise<Record<string, string>>;
  watch(service: string): ClientReadableStream<{ status: string }>;
  close(): void;
}

export function healthClient(port: number, options: ChannelOptions = FAST_RECONNECT): HealthClient {
  const root = loadPackageDefinition(healthPackageDefinition());
  const Health = clientConstructor(root, 'grpc.health.v1.Health');
  const client = new Health(`127.0.0.1:${port}`, credentials.createInsecure(), options);
  return {
    async check(service, deadlineMs) {
      const response = await unaryCall<{ status: string }>(
        client,
        'Check',
        { service },
        deadlineMs,
      );
      return response.status;
    },
    async list() {
      const response = await unaryCall<{ statuses: Record<string, { status: string }> }>(
        client,
        'List',
        {},
      );
      return Object.fromEntries(
        Object.entries(response.statuses).map(([name, value]) => [name, value.status]),
      );
    },
    watch(service) {
      const watch = (client as unknown as Record<string, (r: unknown) => unknown>).Watch;
      return watch?.call(client, { service }) as ClientReadableStream<{ status: string }>;
    },
    close() {
      client.close();
    },
  };
}

const reflectionProtoDir = join(
  dirname(createRequire(import.meta.url).resolve('@grpc/reflection/package.json')),
  'build',
  'proto',
);

/** Lists the services a server describes through reflection (`v1` or `v1alpha`). */
export async function reflectedServices(
  port: number,
  version: 'v1' | 'v1alpha',
): Promise<string[]> {
  const responses = await reflect(port, version, { list_services: '' });
  const list = responses[0]?.list_services_response as { service: { name: string }[] } | undefined;
  return (list?.service ?? []).map((s) => s.name).sort();
}

/** One reflection request on a fresh stream; resolves every response received. */
export async function reflect(
  port: number,
  version: 'v1' | 'v1alpha',
  request: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  return reflectAll(port, version, [request]);
}

/** Reflection requests, in order, on one fresh stream; resolves every response received. */
export async function reflectAll(
  port: number,
  version: 'v1' | 'v1alpha',
  requests: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const definition = loadSync(`grpc/reflection/${version}/reflection.proto`, {
    ...PROTO_OPTIONS,
    includeDirs: [reflectionProtoDir],
  });
  const root = loadPackageDefinition(definition);
  const Reflection = clientConstructor(root, `grpc.reflection.${version}.ServerReflection`);
  const client = new Reflection(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    const info = (client as unknown as Record<string, () => unknown>).ServerReflectionInfo;
    const stream = info?.call(client) as ClientDuplexStream<unknown, Record<string, unknown>>;
    const responses: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (response: Record<string, unknown>) => responses.push(response));
      stream.on('error', reject);
      stream.on('end', resolve);
      for (const request of requests) stream.write(request);
      stream.end();
    });
    return responses;
  } finally {
    client.close();
  }
}

/** The Prometheus text of a metrics endpoint. */
export async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics: ${response.status}`);
  return response.text();
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of an exposition text (enough of the format for prom-client's output). */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`unparsable sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ''] = (pair[2] ?? '').replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples of `name` whose labels include `labels`. */
export function sampleSum(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/**
 * Runs a command with `input` on stdin (in `options.cwd`, with `options.env` added to this
 * process's environment); resolves its exit code and output.
 */
export async function run(
  command: string,
  args: readonly string[],
  input = '',
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(input);
  return { code: await exited, stdout, stderr };
}
