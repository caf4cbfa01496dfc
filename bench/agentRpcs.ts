/**
 * Throughput and latency of RateLimitService.Acquire and AuditService.Append over loopback gRPC.
 *
 *   npx tsx bench/agentRpcs.ts [calls per RPC, default 20000] [concurrent clients, default 50]
 *
 * Starts its own redis-server on a free port and mnemo's agent services in a child process (so
 * the clients do not share the server's event loop), runs a warm-up and then a fixed number of
 * calls per RPC from concurrent gRPC clients (one HTTP/2 connection each), prints a table and
 * stops everything.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  credentials,
  loadPackageDefinition,
  type ChannelOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { AgentServices } from '../src/app/AgentServices.js';
import { RedisProcess } from '../src/app/RedisProcess.js';
import { loadConfig } from '../src/config/config.js';
import { createRedisClient } from '../src/storage/redisClient.js';
import { GrpcServer } from '../src/transport/GrpcServer.js';
import { mnemoPackageDefinition } from '../src/transport/protoDescriptors.js';
import type { ProtoGrpcType as AuditProto } from '../src/generated/audit.js';
import type { ProtoGrpcType as RateLimitProto } from '../src/generated/rate_limit.js';

const ROLE_ENV = 'MNEMO_BENCH_ROLE';
const HARD_LIMIT_MS = 10 * 60_000;

interface Stats {
  rpc: string;
  calls: number;
  seconds: number;
  p50: number;
  p99: number;
  note: string;
}

/** The child: agent services and a gRPC server over the given Redis; reports its port. */
async function serve(redisUrl: string): Promise<void> {
  const log = pino({ level: 'silent' });
  const config = loadConfig({ MNEMO_REDIS_URL: redisUrl, MNEMO_KEY_PREFIX: 'bench:' });
  const redis = createRedisClient(redisUrl, 'mnemo-bench', log);
  await redis.connect();
  const services = AgentServices.create(redis, redisUrl, config, log);
  const server = new GrpcServer();
  services.register(server);
  const port = await server.listen('127.0.0.1:0');
  process.send?.({ port });
  process.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void (async () => {
      services.endTails();
      await server.stop(1000);
      await services.close();
      await redis.quit();
      process.exit(0);
    })();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `calls` calls from `clients` concurrent loops; returns latencies in ms. */
async function drive(
  calls: number,
  clients: number,
  call: (client: number, i: number) => Promise<unknown>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = next++; i < calls; i = next++) {
        const t = performance.now();
        await call(c, i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** Settles a callback-style gRPC call as a promise. */
function settle<Res>(
  start: (callback: (error: ServiceError | null, response?: Res) => void) => unknown,
): Promise<Res | undefined> {
  return new Promise((resolve, reject) => {
    start((error, response) => {
      if (error) reject(error);
      else resolve(response);
    });
  });
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 20_000);
  const concurrency = Number(process.argv[3] ?? 50);
  const hardStop = setTimeout(() => {
    process.stderr.write('bench: took too long, giving up\n');
    process.exit(1);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  const redis = await RedisProcess.start();
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, [ROLE_ENV]: 'server', MNEMO_BENCH_REDIS: redis.url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => {
        resolve(m.port);
      });
      child.once('exit', (code) => {
        reject(new Error(`bench server exited with ${code}`));
      });
    });

    const root = loadPackageDefinition(mnemoPackageDefinition()) as unknown as AuditProto &
      RateLimitProto;
    const options: ChannelOptions = { 'grpc.use_local_subchannel_pool': 1 };
    const address = `127.0.0.1:${port}`;
    const rateLimit = Array.from(
      { length: concurrency },
      () => new root.mnemo.v1.RateLimitService(address, credentials.createInsecure(), options),
    );
    const audit = Array.from(
      { length: concurrency },
      () => new root.mnemo.v1.AuditService(address, credentials.createInsecure(), options),
    );

    let admitted = 0;
    const pick = <T>(clients: readonly T[], c: number): T => {
      const client = clients[c % clients.length];
      if (client === undefined) throw new Error('no client');
      return client;
    };
    const acquire = async (c: number, i: number): Promise<void> => {
      const client = pick(rateLimit, c);
      const response = await settle<{ allowed: boolean }>((done) =>
        client.Acquire({ bucket: `venue-${i % 10}`, capacity: 100, refill_per_second: 200 }, done),
      );
      if (response?.allowed === true) admitted++;
    };
    const append = async (c: number, i: number): Promise<void> => {
      const client = pick(audit, c);
      await settle((done) =>
        client.Append(
          {
            entry: {
              agent_id: `agent-${i % 20}`,
              action: i % 3 === 0 ? 'fill' : 'order',
              market: 'BTC-USD',
              amount: 0.01,
              status: 'filled',
              tx_id: `bench-${process.pid}-${i}`,
              pnl: ((i % 2001) - 1000) / 100,
              wall_time: 0,
              meta: '{"venue":"bench"}',
            },
          },
          done,
        ),
      );
    };

    const warmup = Math.min(2000, calls);
    await drive(warmup, concurrency, acquire);
    await drive(warmup, concurrency, (c, i) => append(c, i + calls));
    admitted = 0;

    const results: Stats[] = [];
    for (const [rpc, fn] of [
      ['RateLimitService.Acquire', acquire],
      ['AuditService.Append', append],
    ] as const) {
      const { latencies, seconds } = await drive(calls, concurrency, fn);
      latencies.sort((a, b) => a - b);
      results.push({
        rpc,
        calls,
        seconds,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        note: rpc.endsWith('Acquire') ? `${((100 * admitted) / calls).toFixed(1)}% admitted` : '',
      });
    }
    for (const client of [...rateLimit, ...audit]) client.close();

    process.stdout.write(
      `\n${concurrency} concurrent gRPC clients over loopback, ${calls} calls per RPC ` +
        `(after ${warmup} warm-up calls), redis-server ${redis.url}\n\n`,
    );
    const header = ['RPC', 'calls', 'calls/s', 'p50 ms', 'p99 ms', ''];
    const rows = results.map((r) => [
      r.rpc,
      String(r.calls),
      (r.calls / r.seconds).toFixed(0),
      r.p50.toFixed(2),
      r.p99.toFixed(2),
      r.note,
    ]);
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
    );
    for (const row of [header, widths.map((w) => '-'.repeat(w)), ...rows]) {
      process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}\n`);
    }
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) =>
        child.once('exit', () => {
          resolve();
        }),
      );
      child.send('stop');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await redis.stop();
  }
}

const redisUrl = process.env.MNEMO_BENCH_REDIS;
if (process.env[ROLE_ENV] === 'server' && redisUrl !== undefined) {
  await serve(redisUrl);
} else {
  await main();
}
