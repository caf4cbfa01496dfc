import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InterceptingCall,
  status,
  type Interceptor,
  type Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { pino } from 'pino';
import { App } from '../../src/app/App.js';
import { RedisProcess } from '../../src/app/RedisProcess.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { MnemoClient, MnemoError, type ClientOptions } from '../../src/client/index.js';
import { checkRichStatus } from './statusDetails.js';

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

/**
 * Turns a failed call's INVALID_ARGUMENT into INTERNAL, naming what is wrong, unless it carries
 * the rich status every client may rely on (checkRichStatus): so every failed call of the suite
 * checks it, and a test expecting INVALID_ARGUMENT fails on an unfit one.
 */
const richStatusCheck: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      next(metadata, {
        onReceiveStatus(received, nextStatus) {
          try {
            checkRichStatus({ ...received, message: received.details } as ServiceError);
            nextStatus(received);
          } catch (unfit) {
            nextStatus({
              ...received,
              code: status.INTERNAL,
              details: unfit instanceof Error ? unfit.message : String(unfit),
            });
          }
        },
      });
    },
  });

/**
 * The suite's MnemoClient of 127.0.0.1:port (plaintext unless `options` say TLS): one attempt
 * per call, so that every answer is the server's own (and upserts go as given, without a
 * request_id); every failed call's rich status checked (richStatusCheck).
 */
export function testClient(port: number, options: ClientOptions = {}): MnemoClient {
  const channel = options.channelOptions ?? {};
  const interceptors = (channel.interceptors ?? []) as Interceptor[];
  return new MnemoClient(`127.0.0.1:${port}`, {
    maxAttempts: 1,
    ...options,
    channelOptions: { ...channel, interceptors: [richStatusCheck, ...interceptors] },
  });
}

/**
 * An interceptor keeping the trailers of the calls that failed (pass it in `channelOptions`), for
 * the headers MnemoError does not carry, e.g. grpc-retry-pushback-ms.
 */
export function failedTrailers(): { interceptor: Interceptor; last: () => Metadata | null } {
  let last: Metadata | null = null;
  const interceptor: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveStatus(received, nextStatus) {
            if (received.code !== status.OK) last = received.metadata;
            nextStatus(received);
          },
        });
      },
    });
  return { interceptor, last: () => last };
}

/** The MnemoError a call failed with (fails the test if it succeeded or threw anything else). */
export async function failure(promise: Promise<unknown>): Promise<MnemoError> {
  const error = await promise.then(
    () => new Error('expected the call to fail'),
    (caught: unknown) => caught,
  );
  if (!(error instanceof MnemoError)) throw error;
  return error;
}

/**
 * Reads a server stream of MnemoClient to its end: null when it ended without an error (OK, or
 * cancelled by the test: the client's streams end quietly then), else the MnemoError it failed
 * with.
 */
export async function ending(stream: AsyncIterable<unknown>): Promise<MnemoError | null> {
  const messages: unknown[] = [];
  try {
    for await (const message of stream) messages.push(message);
  } catch (error) {
    if (error instanceof MnemoError) return error;
    throw error;
  }
  return null;
}
