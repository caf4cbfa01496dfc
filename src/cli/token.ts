/**
 * `npm run token -- --name desk-1 --role agent --agent agent-007 [--agent …]
 *  [--requests-per-second 50 [--burst 100]]`: makes a new random token and prints it, then its
 * line for the token file (MNEMO_AUTH_TOKENS_FILE, docs/security.md). The token is shown once
 * and stored nowhere; the file keeps only its SHA-256.
 */
import { parseArgs } from 'node:util';
import { makeToken, TokenFileError } from '../api/auth/tokenFile.js';
import { ROLES, type Role } from '../model/Principal.js';

function main(): void {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      agent: { type: 'string', multiple: true },
      'requests-per-second': { type: 'string' },
      burst: { type: 'string' },
    },
    strict: true,
  });
  const role = values.role as Role | undefined;
  if (values.name === undefined || role === undefined || !ROLES.includes(role)) {
    throw new TokenFileError(
      `usage: npm run token -- --name <name> --role ${ROLES.join('|')} [--agent <agent id>]… ` +
        '[--requests-per-second <n> [--burst <n>]]',
    );
  }
  const rate = values['requests-per-second'];
  const quota =
    rate === undefined
      ? undefined
      : {
          requests_per_second: Number(rate),
          ...(values.burst === undefined ? {} : { burst: Number(values.burst) }),
        };
  const { token, line } = makeToken(values.name, role, values.agent ?? [], quota);
  process.stdout.write(
    `token (give it to the client as "authorization: Bearer <token>"; it is stored nowhere):\n` +
      `${token}\n` +
      `line for the "tokens" array of the token file:\n${JSON.stringify(line)}\n`,
  );
}

try {
  main();
} catch (error) {
  process.stderr.write(`mnemo token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
