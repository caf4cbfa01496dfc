import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import type { MethodDefinition } from '@grpc/grpc-js';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } =
  constants;

/**
 * The cheap client (`--client cheap`): unary gRPC calls over one bare node:http2 connection,
 * with none of grpc-js's client machinery (no channel, subchannel, interceptors, call stream
 * objects or timers). A call is one HTTP/2 stream: the headers, the length-prefixed request
 * written at once, the response's length-prefixed message and its trailers. It costs the load
 * generator a small fraction of a grpc-js call, so on a machine whose cores are shared the
 * servers get the cores: what an h2load run does, with distinct requests (h2load sends one body
 * over and over, which dedup and result caches would answer without searching).
 */
export class RawChannel {
  private session: ClientHttp2Session | null = null;

  constructor(private readonly address: string) {}

  /** The connection, opened on first use (and again after it closed). */
  private open(): ClientHttp2Session {
    const current = this.session;
    if (current !== null && !current.closed && !current.destroyed) return current;
    const session = connect(`http://${this.address}`);
    // A failed connection fails the calls made on it; the session's error is not thrown.
    session.on('error', () => undefined);
    this.session = session;
    return session;
  }

  /** Opens the connection; resolves once it is up. */
  connect(timeoutMs: number): Promise<void> {
    const session = this.open();
    if (!session.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.address}: no HTTP/2 connection within ${timeoutMs} ms`));
      }, timeoutMs);
      session.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      session.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  call<Req, Res>(
    definition: MethodDefinition<Req, Res>,
    request: Req,
    deadlineMs: number,
  ): Promise<Res> {
    const session = this.open();
    const message = definition.requestSerialize(request);
    const frame = Buffer.allocUnsafe(5 + message.length);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    const stream = session.request({
      [HTTP2_HEADER_METHOD]: 'POST',
      [HTTP2_HEADER_PATH]: definition.path,
      [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [HTTP2_HEADER_TE]: 'trailers',
      'grpc-timeout': `${Math.max(1, Math.ceil(deadlineMs))}m`,
    });
    return new Promise<Res>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status: string | undefined;
      let statusMessage = '';
      const take = (headers: IncomingHttpHeaders): void => {
        const code = headers['grpc-status'];
        if (typeof code === 'string') {
          status = code;
          const text = headers['grpc-message'];
          statusMessage = typeof text === 'string' ? decodeURIComponent(text) : '';
        }
      };
      stream.on('response', take); // a Trailers-Only answer carries its status here
      stream.on('trailers', take);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('close', () => {
        if (status !== '0') {
          const code = status ?? `none (HTTP/2 stream closed, code ${stream.rstCode ?? '?'})`;
          reject(new Error(`${definition.path}: status ${code} ${statusMessage}`.trim()));
          return;
        }
        const body = Buffer.concat(chunks);
        if (body.length < 5 || body[0] !== 0) {
          reject(new Error(`${definition.path}: no uncompressed message in the answer`));
          return;
        }
        const length = body.readUInt32BE(1);
        try {
          resolve(definition.responseDeserialize(body.subarray(5, 5 + length)));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session?.close();
    this.session = null;
  }
}
