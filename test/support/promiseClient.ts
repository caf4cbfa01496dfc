import type { ServiceError } from '@grpc/grpc-js';
import { checkRichStatus } from './statusDetails.js';

type Callback<R> = (error: ServiceError | null, response?: R) => void;
type Unary<Req, Res> = (request: Req, callback: Callback<Res>) => unknown;

/** A gRPC client whose unary methods return promises. */
export type PromiseClient<C> = {
  [M in keyof C as C[M] extends Unary<never, unknown> ? M : never]: C[M] extends {
    (request: infer Req, callback: Callback<infer Res>): unknown;
  }
    ? (request: Req) => Promise<Res>
    : never;
};

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
