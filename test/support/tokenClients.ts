import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentials,
  InterceptingCall,
  loadPackageDefinition,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientReadableStream,
  type Interceptor,
} from '@grpc/grpc-js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import { makeToken } from '../../src/api/auth/tokenFile.js';
import type { Role } from '../../src/model/Principal.js';
import type { ProtoGrpcType as AuditProto } from '../../src/generated/audit.js';
import type { ProtoGrpcType as CacheProto } from '../../src/generated/cache.js';
import type { ProtoGrpcType as MemoryProto } from '../../src/generated/memory.js';
import type { ProtoGrpcType as RateLimitProto } from '../../src/generated/rate_limit.js';
import type { AuditServiceClient } from '../../src/generated/mnemo/v1/AuditService.js';
import type { AuditServiceTailRequest } from '../../src/generated/mnemo/v1/AuditServiceTailRequest.js';
import type { AuditServiceTailResponse__Output } from '../../src/generated/mnemo/v1/AuditServiceTailResponse.js';
import type { CacheServiceClient } from '../../src/generated/mnemo/v1/CacheService.js';
import type { MemoryServiceClient } from '../../src/generated/mnemo/v1/MemoryService.js';
import type { RateLimitServiceClient } from '../../src/generated/mnemo/v1/RateLimitService.js';
import { promisify, type PromiseClient } from './promiseClient.js';

/** A client interceptor sending `authorization` (as given) on every call. */
export function withAuthorization(value: string): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', value);
        next(metadata, listener);
      },
    });
}

/** Clients of all four mnemo services on one port, each call carrying `authorization`. */
export interface TokenClients {
  memory: PromiseClient<MemoryServiceClient>;
  cache: PromiseClient<CacheServiceClient>;
  rateLimit: PromiseClient<RateLimitServiceClient>;
  audit: PromiseClient<AuditServiceClient>;
  tail(request: AuditServiceTailRequest): ClientReadableStream<AuditServiceTailResponse__Output>;
  close(): void;
}

/** How tokenClients connects: `raw` sends the token as the whole `authorization` value. */
export interface TokenClientOptions {
  raw?: boolean;
  /** Channel credentials (TLS); plaintext without. */
  credentials?: ChannelCredentials;
  /** Channel options, e.g. `grpc.use_local_subchannel_pool` for a connection of its own. */
  channelOptions?: ChannelOptions;
}

/** Clients sending `Bearer <token>` (or the raw `authorization` value, or none when null). */
export function tokenClients(
  port: number,
  token: string | null,
  {
    raw = false,
    credentials: channel = credentials.createInsecure(),
    channelOptions = {},
  }: TokenClientOptions = {},
): TokenClients {
  const root = loadPackageDefinition(mnemoPackageDefinition()) as unknown as MemoryProto &
    CacheProto &
    RateLimitProto &
    AuditProto;
  const address = `127.0.0.1:${port}`;
  const options =
    token === null
      ? channelOptions
      : {
          ...channelOptions,
          interceptors: [withAuthorization(raw ? token : `Bearer ${token}`)],
        };
  const memory = new root.mnemo.v1.MemoryService(address, channel, options);
  const cache = new root.mnemo.v1.CacheService(address, channel, options);
  const rateLimit = new root.mnemo.v1.RateLimitService(address, channel, options);
  const audit = new root.mnemo.v1.AuditService(address, channel, options);
  return {
    memory: promisify(memory),
    cache: promisify(cache),
    rateLimit: promisify(rateLimit),
    audit: promisify(audit),
    tail: (request) => audit.Tail(request),
    close() {
      for (const client of [memory, cache, rateLimit, audit]) client.close();
    },
  };
}

/** One token of a test's token file. */
export interface TestToken {
  name: string;
  role: Role;
  agentIds?: string[];
  quota?: { requests_per_second: number; burst?: number };
}

/** Writes a token file with new tokens for `tokens`; returns its path and each token by name. */
export function writeTokenFile(
  tokens: readonly TestToken[],
  path = join(mkdtempSync(join(tmpdir(), 'mnemo-tokens-')), 'tokens.json'),
): { path: string; secrets: Record<string, string> } {
  const secrets: Record<string, string> = {};
  const lines = tokens.map((t) => {
    const { token, line } = makeToken(t.name, t.role, t.agentIds, t.quota);
    secrets[t.name] = token;
    return line;
  });
  writeFileSync(path, JSON.stringify({ tokens: lines }));
  return { path, secrets };
}
