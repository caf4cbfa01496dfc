import type { Logger } from 'pino';
import { TokenFileError } from './tokenFile.js';
import { TokenTable } from './TokenTable.js';

/**
 * The token table in force, loaded from MNEMO_AUTH_TOKENS_FILE at start (a bad file stops the
 * start) and again on reload (a bad file keeps the table in force, and the log says why).
 * Without a file, `current()` is null: the server has no tokens.
 */
export class TokenStore {
  private constructor(
    private readonly path: string | null,
    private table: TokenTable | null,
  ) {}

  static async open(path: string | null): Promise<TokenStore> {
    return new TokenStore(path, path === null ? null : await TokenTable.load(path));
  }

  current(): TokenTable | null {
    return this.table;
  }

  /** Reads the file again; true when the new table is in force. */
  async reload(log: Logger): Promise<boolean> {
    if (this.path === null) return false;
    try {
      this.table = await TokenTable.load(this.path);
      log.info({ tokens: this.table.size }, 'token file reloaded');
      return true;
    } catch (error) {
      if (!(error instanceof TokenFileError)) throw error;
      log.warn({ problem: error.message }, 'token file not reloaded: the previous tokens stay');
      return false;
    }
  }
}
