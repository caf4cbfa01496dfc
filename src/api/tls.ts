import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ConfigError, type TlsFiles } from '../config/config.js';

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/** The served certificate, as logged at start and on reload (never the PEM itself). */
export interface ServedCertificate {
  readonly subject: string;
  readonly serialNumber: string;
  readonly fingerprint256: string;
  readonly validTo: string;
}

/** The PEM contents of the TLS files, checked to be usable together. */
interface TlsMaterial {
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly clientCa: Buffer | null;
  readonly served: ServedCertificate;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Reads one file; a failure names the variable and the path, never the content. */
async function readPem(variable: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${variable} (${path}) cannot be read: ${code}`);
  }
}

/** Every PEM certificate of a file, parsed (at least one). */
function certificates(variable: string, path: string, pem: Buffer): X509Certificate[] {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new ConfigError(`${variable} (${path}) holds no PEM certificate`);
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new ConfigError(`${variable} (${path}): PEM certificate ${i + 1} is not valid`);
    }
  });
}

function privateKey(path: string, pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new ConfigError(`MNEMO_TLS_KEY (${path}) holds no valid unencrypted PEM private key`);
  }
}

/**
 * Reads and checks the TLS files: the certificate file holds PEM certificates (the first is the
 * server's), the key file that certificate's private key, the client CA file (if any) PEM
 * certificates. Throws a ConfigError naming the variable at fault; no file content is quoted.
 */
export async function readTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  // One after the other, so that which of several missing files is named never varies.
  const certificate = await readPem('MNEMO_TLS_CERT', files.certFile);
  const keyPem = await readPem('MNEMO_TLS_KEY', files.keyFile);
  const clientCa =
    files.clientCaFile === null ? null : await readPem('MNEMO_TLS_CLIENT_CA', files.clientCaFile);
  const [leaf] = certificates('MNEMO_TLS_CERT', files.certFile, certificate);
  const key = privateKey(files.keyFile, keyPem);
  if (leaf === undefined || !leaf.checkPrivateKey(key)) {
    throw new ConfigError(
      `MNEMO_TLS_KEY (${files.keyFile}) is not the private key of the certificate in ` +
        `MNEMO_TLS_CERT (${files.certFile})`,
    );
  }
  if (clientCa !== null && files.clientCaFile !== null) {
    certificates('MNEMO_TLS_CLIENT_CA', files.clientCaFile, clientCa);
  }
  try {
    // What the server will do with them: what OpenSSL refuses is refused here, not at a handshake.
    createSecureContext({ cert: certificate, key: keyPem, ...(clientCa ? { ca: clientCa } : {}) });
  } catch (error) {
    throw new ConfigError(
      `MNEMO_TLS_CERT, MNEMO_TLS_KEY or MNEMO_TLS_CLIENT_CA refused by OpenSSL: ` +
        (error as Error).message,
    );
  }
  const served = {
    subject: leaf.subject,
    serialNumber: leaf.serialNumber,
    fingerprint256: leaf.fingerprint256,
    validTo: leaf.validTo,
  };
  return { certificate, privateKey: keyPem, clientCa, served };
}

/**
 * The TLS certificates gRPC is served with, from the files of MNEMO_TLS_*: a grpc-js
 * CertificateProvider whose `reload()` reads the files again and, only if they are all good,
 * hands them to the server. Connections already open keep their session (calls in flight are
 * not disturbed); new connections get the new certificates.
 */
export class TlsCertificates implements CertificateProvider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();

  private constructor(
    private readonly files: TlsFiles,
    private material: TlsMaterial,
  ) {}

  /** Reads the files; a ConfigError names the variable whose file is missing or bad. */
  static async load(files: TlsFiles): Promise<TlsCertificates> {
    return new TlsCertificates(files, await readTlsMaterial(files));
  }

  /** Mutual TLS: client certificates are required and checked against MNEMO_TLS_CLIENT_CA. */
  get mutual(): boolean {
    return this.files.clientCaFile !== null;
  }

  /** The certificate new connections are served. */
  get served(): ServedCertificate {
    return this.material.served;
  }

  /**
   * Reads the files again. If they are all good, new connections are served with them from now
   * on (true); if not, the previous ones stay and one warn line says why, naming the variable
   * and the path, never the content (false).
   */
  async reload(log: Logger): Promise<boolean> {
    let material: TlsMaterial;
    try {
      material = await readTlsMaterial(this.files);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log.warn({ problem: error.message }, 'TLS certificates not reloaded: the previous ones stay');
      return false;
    }
    this.material = material;
    // Both updates in one tick: no handshake sees the new CA with the old identity.
    for (const listener of this.caListeners) listener(this.caUpdate());
    for (const listener of this.identityListeners) listener(this.identityUpdate());
    log.info({ certificate: material.served }, 'TLS certificates reloaded');
    return true;
  }

  /** Server credentials serving these certificates (and requiring client ones, if mutual). */
  serverCredentials(): ServerCredentials {
    // grpc-js's exported function passes its first argument on as the IDENTITY provider and its
    // second as the CA provider (its parameter names say the opposite).
    return experimental.createCertificateProviderServerCredentials(
      this,
      this.mutual ? this : null,
      this.mutual,
    );
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    // Later, as grpc-js expects: it registers its own watcher only after this returns.
    process.nextTick(() => {
      if (this.caListeners.has(listener)) listener(this.caUpdate());
    });
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    process.nextTick(() => {
      if (this.identityListeners.has(listener)) listener(this.identityUpdate());
    });
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  private caUpdate(): experimental.CaCertificateUpdate | null {
    const ca = this.material.clientCa;
    return ca === null ? null : { caCertificate: ca };
  }

  private identityUpdate(): experimental.IdentityCertificateUpdate {
    return { certificate: this.material.certificate, privateKey: this.material.privateKey };
  }
}
