import { connect, type ClientHttp2Session, type SecureClientSessionOptions } from 'node:http2';

/** HTTP/2's initial receive window, what a peer has until told otherwise: 65,535 bytes. */
const HTTP2_DEFAULT_WINDOW_BYTES = 65_535;

export interface Windows {
  /** SETTINGS_INITIAL_WINDOW_SIZE: what a client may send on each new stream. */
  stream: number;
  /** What a client may send on the whole connection. */
  connection: number;
}

/** The receive windows a new connection to `url` is given by the server. */
export async function windowsOf(
  url: string,
  options: SecureClientSessionOptions = {},
): Promise<Windows> {
  const session: ClientHttp2Session = connect(url, options);
  try {
    await new Promise<void>((resolve, reject) => {
      session.once('remoteSettings', () => {
        resolve();
      });
      session.once('error', reject);
    });
    // The connection's WINDOW_UPDATE is sent at its start: read before the ping's answer.
    await new Promise<void>((resolve, reject) => {
      session.ping((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
    return {
      stream: session.remoteSettings.initialWindowSize ?? HTTP2_DEFAULT_WINDOW_BYTES,
      connection: session.state.remoteWindowSize ?? HTTP2_DEFAULT_WINDOW_BYTES,
    };
  } finally {
    session.close();
  }
}
