/**
 * What `--compare secure` serves and calls with: a certificate authority and a server
 * certificate made in process, one `agent` token for the bench's agents, the MNEMO_TLS_* and
 * MNEMO_AUTH_TOKENS_FILE files of the server, and the channel credentials of its clients.
 */
import 'reflect-metadata';
import { createHash, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import type { ClientSecurity } from './rpc.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

/** The server side and the client side of a TLS + token setup; `dispose` removes its files. */
export interface SecureSetup {
  /** MNEMO_TLS_CERT, MNEMO_TLS_KEY and MNEMO_AUTH_TOKENS_FILE of the server. */
  env: Record<string, string>;
  /**
   * TLS trusting only the generated CA and the token, which MnemoClient sends as
   * `authorization: Bearer <token>` on every call (what a real client of the server does), the
   * server's name checked as `localhost` (SNI takes no IP address).
   */
  client: ClientSecurity;
  dispose: () => void;
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex');
}

function validity(): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + DAY_MS) };
}

async function keyPair(): Promise<webcrypto.CryptoKeyPair> {
  return await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

/** A CA and a server certificate it signed (SAN localhost and 127.0.0.1, valid for a day). */
async function certificates(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const caKeys = await keyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=mnemo bench CA',
    ...validity(),
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=localhost',
    issuer: ca.subject,
    ...validity(),
    signingKey: caKeys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' });
  return { caPem: ca.toString('pem'), certPem: cert.toString('pem'), keyPem: keyPem.toString() };
}

/**
 * Makes the certificates and a random token of role `agent` for `agentIds`, and writes the
 * server's files (certificate, key, token file holding only the token's SHA-256) to a private
 * temporary directory.
 */
export async function secureSetup(agentIds: readonly string[]): Promise<SecureSetup> {
  const { caPem, certPem, keyPem } = await certificates();
  const token = `mnemo_${randomBytes(32).toString('base64url')}`;
  const tokenFile = {
    tokens: [
      {
        name: 'bench',
        sha256: createHash('sha256').update(token, 'utf8').digest('hex'),
        role: 'agent',
        agent_ids: [...agentIds],
      },
    ],
  };
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-bench-secure-'));
  const env = {
    MNEMO_TLS_CERT: join(dir, 'server.crt'),
    MNEMO_TLS_KEY: join(dir, 'server.key'),
    MNEMO_AUTH_TOKENS_FILE: join(dir, 'tokens.json'),
  };
  writeFileSync(env.MNEMO_TLS_CERT, certPem);
  writeFileSync(env.MNEMO_TLS_KEY, keyPem, { mode: 0o600 });
  writeFileSync(env.MNEMO_AUTH_TOKENS_FILE, JSON.stringify(tokenFile));
  return {
    env,
    client: { tls: { rootCerts: caPem, serverName: 'localhost' }, token },
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
