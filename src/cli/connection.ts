import { readFileSync } from 'node:fs';
import type { ParseArgsConfig } from 'node:util';
import { MnemoClient, type ClientOptions } from '../client/index.js';

/** The connection flags every client command takes (the clients' own options). */
export const CONNECTION_FLAGS = {
  target: { type: 'string' },
  token: { type: 'string' },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  'server-name': { type: 'string' },
  'timeout-ms': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export const CONNECTION_HELP = `connection:
  --target HOST:PORT   the server (default: $MNEMO_TARGET, else localhost:50051)
  --token TOKEN        bearer token (default: $MNEMO_TOKEN)
  --tls                TLS (the system's CAs unless --ca)
  --ca FILE            PEM file of the CAs to trust (implies --tls)
  --server-name NAME   name to check in the server's certificate
  --timeout-ms N       deadline of each call (default 10000)`;

/** A command-line mistake: exit status 2 with the usage. */
export class UsageError extends Error {}

type ConnectionValues = { [K in keyof typeof CONNECTION_FLAGS]?: string | boolean };

/** A client from the connection flags and the environment. */
export function connect(values: ConnectionValues, env = process.env): MnemoClient {
  const target = (values.target as string | undefined) ?? env.MNEMO_TARGET ?? 'localhost:50051';
  const options: ClientOptions = {};
  const token = (values.token as string | undefined) ?? env.MNEMO_TOKEN;
  if (token !== undefined && token !== '') options.token = token;
  const ca = values.ca as string | undefined;
  if (values.tls === true || ca !== undefined) {
    options.tls = {
      ...(ca === undefined ? {} : { rootCerts: readFileSync(ca) }),
      ...(values['server-name'] === undefined
        ? {}
        : { serverName: values['server-name'] as string }),
    };
  }
  const timeout = values['timeout-ms'] as string | undefined;
  if (timeout !== undefined) {
    const ms = Number(timeout);
    if (!Number.isInteger(ms) || ms <= 0)
      throw new UsageError('--timeout-ms must be a positive integer');
    options.timeoutMs = ms;
  }
  return new MnemoClient(target, options);
}
