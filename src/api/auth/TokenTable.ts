import { readFile } from 'node:fs/promises';
import { timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../model/Principal.js';
import {
  parseTokenFile,
  tokenDigest,
  TokenFileError,
  type Quota,
  type TokenEntry,
} from './tokenFile.js';

/** What a valid token says: who the call acts for, and the token's quota. */
export interface Credential {
  readonly principal: Principal;
  readonly quota: Quota | null;
}

/** The tokens of one token file, ready to authenticate calls. */
export class TokenTable {
  private readonly entries: readonly { digest: Buffer; credential: Credential }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map((entry) => ({
      digest: entry.digest,
      credential: Object.freeze({
        principal: Object.freeze({
          name: entry.name,
          role: entry.role,
          agentIds: entry.agentIds === null ? null : new Set(entry.agentIds),
          namespace: entry.role === 'admin' ? '' : entry.name,
        }),
        quota: entry.quota,
      }),
    }));
  }

  /** Reads and parses a token file; TokenFileError names what is wrong (never a hash). */
  static async load(path: string): Promise<TokenTable> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new TokenFileError(`the token file cannot be read (${code})`);
    }
    return new TokenTable(parseTokenFile(text));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The credential of a presented token, or null. Its SHA-256 is compared with every entry's in
   * constant time, all entries every time: how long it takes says nothing of which entry, or
   * which part of a hash, nearly matched.
   */
  authenticate(token: string): Credential | null {
    const digest = tokenDigest(token);
    let found: Credential | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest)) found = entry.credential;
    }
    return found;
  }
}
