import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { checkRichStatus } from './statusDetails.js';

type Callback<R> = (error: ServiceError | null, response?: R) => void;
type Unary<Req, Res> = (request: Req, callback: Callback<Res>) => unknown;

type Bidi<Req, Res> = () => ClientDuplexStream<Req, Res>;

/**
 * A gRPC client whose unary methods return promises, and whose bidirectional methods take every
 * request at once and resolve every response, in the order they came, once the stream ended OK.
 */
export type PromiseClient<C> = {
  [M in keyof C as C[M] extends Unary<never, unknown> ? M : never]: C[M] extends {
    (request: infer Req, callback: Callback<infer Res>): unknown;
  }
    ? (request: Req) => Promise<Res>
    : never;
} & {
  [M in keyof C as C[M] extends Bidi<never, unknown> ? M : never]: C[M] extends {
    (): ClientDuplexStream<infer Req, infer Res>;
  }
    ? (requests: readonly Req[]) => Promise<Res[]>
    : never;
};

/** Writes every request, half-closes, and resolves the responses once the stream ended OK. */
function allOfStream(stream: ClientDuplexStream<unknown, unknown>, requests: readonly unknown[]) {
  return new Promise<unknown[]>((resolve, reject) => {
    const responses: unknown[] = [];
    stream.on('data', (response: unknown) => responses.push(response));
    stream.on('error', reject);
    stream.on('end', () => {
      resolve(responses);
    });
    for (const request of requests) stream.write(request);
    stream.end();
  });
}

/** Wraps a grpc-js client: unary methods return promises, `close()` closes the client. */
export function promisify<C extends { close(): void }>(
  client: C,
): PromiseClient<C> & { close(): void } {
  return new Proxy(
    {},
    {
      get(_target, name: string) {
        if (name === 'close') {
          return () => {
            client.close();
          };
        }
        const method = (client as unknown as Record<string, Unary<unknown, unknown>>)[name];
        if (typeof method !== 'function') return undefined;
        if ((method as { requestStream?: boolean }).requestStream === true) {
          return (requests: readonly unknown[]) =>
            allOfStream((method as unknown as Bidi<unknown, unknown>).call(client), requests).catch(
              (error: unknown) => {
                checkRichStatus(error as ServiceError);
                throw error;
              },
            );
        }
        return (request: unknown) =>
          new Promise((resolve, reject) => {
            method.call(client, request, (error: ServiceError | null, response?: unknown) => {
              if (error) {
                try {
                  checkRichStatus(error);
                  reject(error);
                } catch (unfit) {
                  reject(unfit instanceof Error ? unfit : new Error(String(unfit)));
                }
              } else resolve(response);
            });
          });
      },
    },
  ) as PromiseClient<C> & { close(): void };
}

/** The error a call failed with (fails the test if it succeeded). */
export async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}
