import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentials,
  InterceptingCall,
  type ChannelCredentials,
  type ChannelOptions,
  type Interceptor,
} from '@grpc/grpc-js';
import { makeToken } from '../../src/api/auth/tokenFile.js';
import type { Role } from '../../src/model/Principal.js';
import type { MemoryServiceClient } from '../../src/generated/mnemo/v1/MemoryService.js';
import { agentClients, type AgentClients } from './agentServer.js';
import type { PromiseClient } from './promiseClient.js';
import { rawMemoryClient } from './rawWire.js';

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
export type TokenClients = AgentClients & { memory: PromiseClient<MemoryServiceClient> };

/** How tokenClients connects: `raw` sends the token as the whole `authorization` value. */
export interface TokenClientOptions {
  raw?: boolean;
  /** Channel credentials (TLS); plaintext without. */
  credentials?: ChannelCredentials;
  /** Channel options, e.g. `grpc.use_local_subchannel_pool` for a connection of its own. */
  channelOptions?: ChannelOptions;
}

/**
 * Bare grpc-js clients sending `Bearer <token>` (or the raw `authorization` value, or none when
 * null), for the tests of the wire (auth's matrix, the search stream's protocol, the limits);
 * tests of behaviour acting as a token use `testClient(port, { token })`.
 */
export function tokenClients(
  port: number,
  token: string | null,
  {
    raw = false,
    credentials: channel = credentials.createInsecure(),
    channelOptions = {},
  }: TokenClientOptions = {},
): TokenClients {
  const interceptors = token === null ? [] : [withAuthorization(raw ? token : `Bearer ${token}`)];
  const agents = agentClients(port, channelOptions, { credentials: channel, interceptors });
  const memory = rawMemoryClient(port, channel, { ...channelOptions, interceptors });
  return {
    ...agents,
    memory,
    close() {
      agents.close();
      memory.close();
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
