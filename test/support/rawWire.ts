import {
  Client,
  credentials,
  loadPackageDefinition,
  status,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientOptions,
} from '@grpc/grpc-js';
import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';
import { healthPackageDefinition } from '../../src/api/health.js';
import { mnemoPackageDefinition } from '../../src/api/protos.js';
import type { ProtoGrpcType } from '../../src/generated/memory.js';
import type { MemoryServiceClient } from '../../src/generated/mnemo/v1/MemoryService.js';
import { promisify, type PromiseClient } from './promiseClient.js';

/** How a call ended: its status code and details (OK with the response's bytes). */
export interface Outcome {
  code: status;
  details: string;
}

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * A bare grpc-js MemoryService client of 127.0.0.1:port (methods as promises, failures the
 * ServiceError as it came), plaintext unless `channelCredentials` say TLS: for the tests of the
 * wire itself (the status trailers as sent, TLS handshakes through credentials objects of their
 * own). Tests of behaviour use testClient (a MnemoClient).
 */
export function rawMemoryClient(
  port: number,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
  options: ChannelOptions = {},
): PromiseClient<MemoryServiceClient> & { close(): void } {
  const proto = loadPackageDefinition(mnemoPackageDefinition()) as unknown as ProtoGrpcType;
  const client = new proto.mnemo.v1.MemoryService(`127.0.0.1:${port}`, channelCredentials, options);
  return promisify(client);
}

/** A client that sends arbitrary bytes as the request of any method, unary or server-streaming. */
export class RawClient {
  private readonly client: Client;

  /** `options` e.g. interceptors sending a token (tokenClients.ts withAuthorization). */
  constructor(port: number, options: ClientOptions = {}) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), options);
  }

  /**
   * Sends `bytes` to `path`; resolves the status (a stream is cancelled after one message). The
   * call's deadline is `timeoutMs` from now.
   */
  call(
    path: string,
    bytes: Uint8Array | readonly number[],
    serverStream = false,
    timeoutMs = 10_000,
  ): Promise<Outcome> {
    const request = Buffer.from(Uint8Array.from(bytes));
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      if (!serverStream) {
        this.client.makeUnaryRequest(path, identity, identity, request, { deadline }, (error) => {
          resolve({ code: error?.code ?? status.OK, details: error?.details ?? '' });
        });
        return;
      }
      const stream = this.client.makeServerStreamRequest(path, identity, identity, request, {
        deadline,
      });
      stream.on('data', () => {
        stream.cancel();
        resolve({ code: status.OK, details: '' });
      });
      stream.on('error', (error: { code: status; details: string }) => {
        resolve({ code: error.code, details: error.details });
      });
      stream.on('end', () => {
        resolve({ code: status.OK, details: '' });
      });
    });
  }

  /** Writes `messages` on a bidi stream of `path` and half-closes; resolves its status. */
  bidi(path: string, messages: readonly (Uint8Array | readonly number[])[]): Promise<Outcome> {
    const stream = this.client.makeBidiStreamRequest(path, identity, identity, {
      deadline: Date.now() + 10_000,
    });
    const outcome = new Promise<Outcome>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', () => undefined);
      stream.on('status', (ended: { code: status; details: string }) => {
        resolve({ code: ended.code, details: ended.details });
      });
    });
    for (const message of messages) stream.write(Buffer.from(Uint8Array.from(message)));
    stream.end();
    return outcome;
  }

  close(): void {
    this.client.close();
  }
}

/** A served method, as the tests loop over them. */
export interface ServedMethod {
  /** `mnemo.v1.MemoryService` */
  service: string;
  /** `SearchEpisodic` */
  name: string;
  definition: MethodDefinition<object, object>;
  packageDefinition: PackageDefinition;
}

/** Every method of every service of the packages given (default: mnemo and health). */
export function servedMethods(
  packages: readonly PackageDefinition[] = [mnemoPackageDefinition(), healthPackageDefinition()],
): ServedMethod[] {
  const methods: ServedMethod[] = [];
  for (const packageDefinition of packages) {
    for (const [service, entry] of Object.entries(packageDefinition)) {
      if ('format' in entry) continue;
      for (const [name, definition] of Object.entries(entry)) {
        methods.push({ service, name, definition, packageDefinition });
      }
    }
  }
  return methods;
}

/** A field of a message descriptor, as proto-loader gives it. */
export interface Field {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}

/** A message (or enum) descriptor, as proto-loader gives it. */
export interface Descriptor {
  name: string;
  field: Field[];
  nestedType: Descriptor[];
  options?: { mapEntry?: boolean } | null;
  value?: { name: string; number: number }[];
}

/** The request type of a served method. */
export function requestType(method: ServedMethod): Descriptor {
  return method.definition.requestType.type as Descriptor;
}

/**
 * The descriptor a field of `parent` names (`typeName`): a type nested in `parent`, or one of
 * the method's package, by full name or relative to the service's package.
 */
export function fieldType(
  method: ServedMethod,
  parent: Descriptor,
  typeName: string,
): Descriptor | undefined {
  const name = typeName.replace(/^\./, '');
  const last = name.split('.').pop() ?? name;
  const scope = method.service.slice(0, method.service.lastIndexOf('.'));
  const defs = method.packageDefinition;
  return (
    parent.nestedType.find((t) => t.name === name || t.name === last) ??
    (defs[name]?.type as Descriptor | undefined) ??
    (defs[`${scope}.${name}`]?.type as Descriptor | undefined)
  );
}

/** Appends a varint. */
export function varint(out: number[], value: number): number[] {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

/** One length-delimited field. */
function delimited(number: number, value: readonly number[]): number[] {
  return [...varint(varint([], number * 8 + 2), value.length), ...value];
}

/**
 * A message of the method's request type whose first string field (depth first, through message
 * fields) holds `bad-\xff`, and the path of that field as the server should name it; undefined
 * when the type has no string field.
 */
export function invalidUtf8Request(
  method: ServedMethod,
): { bytes: number[]; path: string } | undefined {
  return firstString(requestType(method), method, 0);
}

function firstString(
  type: Descriptor,
  method: ServedMethod,
  depth: number,
): { bytes: number[]; path: string } | undefined {
  for (const field of type.field) {
    const index = field.label === 'LABEL_REPEATED' ? '[0]' : '';
    if (field.type === 'TYPE_STRING') {
      const bad = [0x62, 0x61, 0x64, 0x2d, 0xff];
      return { bytes: delimited(field.number, bad), path: `${field.name}${index}` };
    }
    if (field.type !== 'TYPE_MESSAGE' || depth > 3) continue;
    const nested = fieldType(method, type, field.typeName);
    if (nested === undefined || type.nestedType.includes(nested)) continue; // maps: tested apart
    const inner = firstString(nested, method, depth + 1);
    if (inner !== undefined) {
      return {
        bytes: delimited(field.number, inner.bytes),
        path: `${field.name}${index}.${inner.path}`,
      };
    }
  }
  return undefined;
}

/**
 * Bytes that are no valid message of `type`, whatever it is: a cut varint, a length prefix of
 * 4 GiB over a few bytes, a cut length-delimited value, and its first field with a wire type
 * that is not its own (or wire type 7, which does not exist, for a type without fields).
 */
export function garbage(method: ServedMethod): Record<string, number[]> {
  const type = requestType(method);
  const first = type.field[0];
  let wrongWireType = [0x0f, 0x00];
  if (first !== undefined) {
    const wire: Record<string, number> = { TYPE_DOUBLE: 1, TYPE_FIXED64: 1, TYPE_SFIXED64: 1 };
    const wantsLength = ['TYPE_STRING', 'TYPE_BYTES', 'TYPE_MESSAGE'].includes(first.type);
    // A length-delimited field sent as a varint, a fixed64 one as a fixed32, anything else as a
    // fixed64.
    if (wantsLength) wrongWireType = varint(varint([], first.number * 8), 1);
    else if (wire[first.type] === 1)
      wrongWireType = [...varint([], first.number * 8 + 5), 1, 2, 3, 4];
    else wrongWireType = [...varint([], first.number * 8 + 1), 1, 2, 3, 4, 5, 6, 7, 8];
  }
  return {
    'a cut varint': [0x08, 0xff],
    'a huge length prefix': [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x61, 0x62],
    'a cut value': [0x0a, 0x05, 0x61, 0x62],
    'a wrong wire type': wrongWireType,
  };
}
