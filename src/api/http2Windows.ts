import type { Server } from '@grpc/grpc-js';
import type { Http2SecureServer, Http2Server, ServerHttp2Session } from 'node:http2';

/** The part of grpc-js's Server this reaches: the method making one HTTP/2 server per address. */
interface Http2ServerFactory {
  createHttp2Server: (credentials: unknown) => Http2Server | Http2SecureServer;
}

/**
 * Gives every HTTP/2 server that `server` makes (one per bound address, plaintext or TLS)
 * receive windows of `bytes`: each stream's (SETTINGS_INITIAL_WINDOW_SIZE, sent to every client
 * in the server's first SETTINGS) and each connection's (a WINDOW_UPDATE at its start). Call it
 * before binding.
 *
 * Why: at HTTP/2's 64 KiB a request larger than the window crosses in window-sized steps, each
 * waiting for the server's event loop to read it and send a WINDOW_UPDATE; under load a large
 * request then takes as many loop turns as it has windows (docs/operations.md, "HTTP/2 windows").
 * A stream the server stops reading (a request stream at MNEMO_STREAM_MAX_INFLIGHT) holds at most
 * one stream window of its client's data.
 *
 * grpc-js 1.14 gives its servers no such option (`grpc-node.flow_control_window` is read by its
 * clients only; grpc/grpc-node#3058 would add it), so this wraps the method grpc-js makes them in,
 * which its typings do not declare. Throws if grpc-js no longer has it, rather than serving with
 * 64 KiB windows unnoticed.
 */
export function widenHttp2Windows(server: Server, bytes: number): void {
  const factory = server as unknown as Partial<Http2ServerFactory>;
  const make = factory.createHttp2Server;
  if (typeof make !== 'function') {
    throw new Error('grpc-js Server has no createHttp2Server: HTTP/2 windows cannot be set');
  }
  factory.createHttp2Server = (credentials) => {
    const http2Server = make.call(server, credentials);
    http2Server.updateSettings({ initialWindowSize: bytes });
    http2Server.on('session', (session: ServerHttp2Session) => {
      if (!session.destroyed) session.setLocalWindowSize(bytes);
    });
    return http2Server;
  };
}
