import 'reflect-metadata';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import * as x509 from '@peculiar/x509';

// Certificates are made in process (no openssl spawned): ECDSA P-256, valid from a minute ago.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

/** A certificate authority of a test: issues server and client certificates. */
export interface TestCa {
  readonly name: string;
  readonly certPem: string;
  readonly keys: webcrypto.CryptoKeyPair;
}

/** A certificate with its private key, in PEM, and its serial as node:tls reports it. */
export interface Issued {
  readonly certPem: string;
  readonly keyPem: string;
  readonly serialNumber: string;
}

/** A positive serial of 16 random bytes, uppercase hex (as X509Certificate spells it). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex').toUpperCase();
}

/** PEM ending in a newline, so that PEM files can be concatenated. */
function pem(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

function validity(): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + DAY_MS) };
}

export async function makeCa(name: string): Promise<TestCa> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${name}`,
    ...validity(),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  return { name, certPem: pem(cert.toString('pem')), keys };
}

/**
 * A certificate signed by `ca`: for a server (SAN localhost and 127.0.0.1, plus `ips`) or a
 * client (clientAuth).
 */
export async function issue(
  ca: TestCa,
  kind: 'server' | 'client',
  options: { cn?: string; ips?: readonly string[] } = {},
): Promise<Issued> {
  const keys = await keyPair();
  const serialNumber = serial();
  const names: x509.JsonGeneralName[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    ...(options.ips ?? []).map((ip) => ({ type: 'ip' as const, value: ip })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: `CN=${options.cn ?? (kind === 'server' ? 'localhost' : 'agent')}`,
    issuer: new x509.X509Certificate(ca.certPem).subject,
    ...validity(),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([
        kind === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      ...(kind === 'server' ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' });
  return { certPem: pem(cert.toString('pem')), keyPem: pem(keyPem.toString()), serialNumber };
}

/**
 * Channel credentials trusting `caPems` (only), presenting `client` if given; `onPeer` sees the
 * certificate each new connection is served.
 */
export function tlsCredentials(
  caPems: readonly string[],
  client?: Issued,
  onPeer?: (peer: PeerCertificate) => void,
): ChannelCredentials {
  return credentials.createSsl(
    Buffer.from(caPems.join('')),
    client ? Buffer.from(client.keyPem) : null,
    client ? Buffer.from(client.certPem) : null,
    {
      checkServerIdentity: (host, peer) => {
        onPeer?.(peer);
        return checkServerIdentity(host, peer);
      },
    },
  );
}

/** The MNEMO_TLS_* files of one server, in a directory of their own. */
export function writeTlsFiles(
  server: Issued,
  clientCas: readonly TestCa[] = [],
): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-tls-'));
  const env: Record<string, string> = {
    MNEMO_TLS_CERT: join(dir, 'server.crt'),
    MNEMO_TLS_KEY: join(dir, 'server.key'),
  };
  writeFileSync(env.MNEMO_TLS_CERT ?? '', server.certPem);
  writeFileSync(env.MNEMO_TLS_KEY ?? '', server.keyPem);
  if (clientCas.length > 0) {
    env.MNEMO_TLS_CLIENT_CA = join(dir, 'client-ca.crt');
    writeFileSync(env.MNEMO_TLS_CLIENT_CA, clientCas.map((ca) => ca.certPem).join(''));
  }
  return env;
}
