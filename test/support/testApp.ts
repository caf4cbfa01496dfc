import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentials,
  loadPackageDefinition,
  type ChannelCredentials,
  type ChannelOptions,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { App } from '../../src/app/App.js';
import { RedisProcess } from '../../src/app/RedisProcess.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import type { ProtoGrpcType } from '../../src/generated/memory.js';
import type { MemoryServiceClient } from '../../src/generated/mnemo/v1/MemoryService.js';
import { promisify, type PromiseClient } from './promiseClient.js';

export const quietLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A redis-server of the test's own on a free loopback port (never the shared 6379). */
export async function startRedis(args: readonly string[] = []): Promise<RedisProcess> {
  return RedisProcess.start({ args });
}

export function testConfig(redis: RedisProcess, env: Record<string, string> = {}): Config {
  return loadConfig({
    MNEMO_GRPC_ADDRESS: '127.0.0.1:0',
    MNEMO_METRICS_ADDRESS: '127.0.0.1:0',
    MNEMO_REDIS_URL: redis.url,
    MNEMO_VECTOR_DIM: '8',
    MNEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'mnemo-test-data-')),
    ...env,
  });
}

export async function startApp(
  redis: RedisProcess,
  env: Record<string, string> = {},
): Promise<App> {
  return App.start(testConfig(redis, env), quietLog);
}

/** A MemoryService client of 127.0.0.1:port, plaintext unless `channelCredentials` say TLS. */
export function memoryClient(
  port: number,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
  options: ChannelOptions = {},
): PromiseClient<MemoryServiceClient> & { close(): void } {
  const proto = loadPackageDefinition(mnemoPackageDefinition()) as unknown as ProtoGrpcType;
  const client = new proto.mnemo.v1.MemoryService(`127.0.0.1:${port}`, channelCredentials, options);
  return promisify(client);
}
