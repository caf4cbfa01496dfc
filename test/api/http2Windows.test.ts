// Raw HTTP/2 sessions on purpose: the windows are what the server advertises in its SETTINGS and
// WINDOW_UPDATE frames, which no gRPC client exposes.
import { ServerCredentials } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { GrpcServer } from '../../src/api/GrpcServer.js';
import { loadConfig } from '../../src/config/config.js';
import { issue, makeCa } from '../support/certificates.js';
import { windowsOf } from '../support/http2Windows.js';

const servers: GrpcServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop(1000);
});

function serverWith(env: Record<string, string> = {}): GrpcServer {
  const server = new GrpcServer(loadConfig(env));
  servers.push(server);
  return server;
}

describe('HTTP/2 receive windows (MNEMO_HTTP2_WINDOW_BYTES)', () => {
  it('are 1 MiB per stream and per connection by default, not HTTP/2’s 64 KiB', async () => {
    const server = serverWith();
    const port = await server.listen('127.0.0.1:0');
    expect(await windowsOf(`http://127.0.0.1:${port}`)).toEqual({
      stream: 1_048_576,
      connection: 1_048_576,
    });
  });

  it('are the configured size, on every connection', async () => {
    const server = serverWith({ MNEMO_HTTP2_WINDOW_BYTES: '4194304' });
    const port = await server.listen('127.0.0.1:0');
    const url = `http://127.0.0.1:${port}`;
    const expected = { stream: 4_194_304, connection: 4_194_304 };
    expect(await windowsOf(url)).toEqual(expected);
    expect(await windowsOf(url)).toEqual(expected);
  });

  it('are set on a TLS server too', async () => {
    const ca = await makeCa('windows-ca');
    const certificate = await issue(ca, 'server', { ips: ['127.0.0.1'] });
    const server = serverWith({ MNEMO_HTTP2_WINDOW_BYTES: '2097152' });
    const credentials = ServerCredentials.createSsl(null, [
      {
        cert_chain: Buffer.from(certificate.certPem),
        private_key: Buffer.from(certificate.keyPem),
      },
    ]);
    const port = await server.listen('127.0.0.1:0', credentials);
    expect(
      await windowsOf(`https://127.0.0.1:${port}`, { ca: ca.certPem, servername: 'localhost' }),
    ).toEqual({ stream: 2_097_152, connection: 2_097_152 });
  });
});
