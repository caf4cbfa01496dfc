import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeToken, parseTokenFile, TokenFileError } from '../../src/api/auth/tokenFile.js';
import { TokenTable } from '../../src/api/auth/TokenTable.js';

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

function problems(file: unknown): string {
  try {
    parseTokenFile(JSON.stringify(file));
  } catch (error) {
    expect(error).toBeInstanceOf(TokenFileError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
}

describe('the token file', () => {
  it('reports every problem at once, naming entry and field, never quoting a hash', () => {
    const secretHash = hash('s3cret').slice(0, 63);
    const message = problems({
      tokens: [
        { name: 'ok', sha256: hash('a'), role: 'admin' },
        { name: 'has space', sha256: secretHash, role: 'root', extra: 1 },
        { name: 'desk', sha256: hash('b'), role: 'agent' },
        { name: 'boss', sha256: hash('c'), role: 'admin', agent_ids: ['a'] },
        { name: 'q', sha256: hash('d'), role: 'reader', quota: { requests_per_second: 0 } },
      ],
    });
    expect(message.split('; ')).toEqual([
      'tokens[1] has an unknown field "extra"',
      'tokens[1].name must be 1 to 64 of A-Z a-z 0-9 . _ -',
      "tokens[1].sha256 must be the 64 hex digits of the token's SHA-256",
      'tokens[1].role must be one of admin, agent, reader',
      'tokens[2].agent_ids is required for role agent',
      'tokens[3].agent_ids must be absent for role admin (it acts for every agent)',
      'tokens[4].quota.requests_per_second must be from 0.001 to 1000000',
    ]);
    expect(message).not.toContain(secretHash);
  });

  it('refuses a shared hash, and a rotated name whose lines differ in scope', () => {
    expect(
      problems({
        tokens: [
          { name: 'a', sha256: hash('x'), role: 'admin' },
          { name: 'b', sha256: hash('x'), role: 'admin' },
          { name: 'c', sha256: hash('y'), role: 'agent', agent_ids: ['1'] },
          { name: 'c', sha256: hash('z'), role: 'agent', agent_ids: ['2'] },
        ],
      }),
    ).toBe(
      'tokens "a" and "b" share a hash; the lines of token "c" differ in role, agent_ids or quota',
    );
  });

  it('accepts two lines of one name and scope: a token being rotated', () => {
    const table = new TokenTable(
      parseTokenFile(
        JSON.stringify({
          tokens: [
            { name: 'c', sha256: hash('old'), role: 'agent', agent_ids: ['1', '2'] },
            { name: 'c', sha256: hash('new'), role: 'agent', agent_ids: ['2', '1'] },
          ],
        }),
      ),
    );
    expect(table.authenticate('old')?.principal.name).toBe('c');
    expect(table.authenticate('new')?.principal.namespace).toBe('c');
    expect(table.authenticate('other')).toBeNull();
  });

  it('makes tokens whose line authenticates them, with the role and agents given', () => {
    const { token, line } = makeToken('desk-1', 'agent', ['agent-007'], {
      requests_per_second: 5,
    });
    expect(token).toMatch(/^mnemo_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(line)).not.toContain(token);
    const table = new TokenTable(parseTokenFile(JSON.stringify({ tokens: [line] })));
    const credential = table.authenticate(token);
    expect(credential?.principal.role).toBe('agent');
    expect([...(credential?.principal.agentIds ?? [])]).toEqual(['agent-007']);
    expect(credential?.quota).toEqual({ requestsPerSecond: 5, burst: 5 });
    expect(makeToken('x', 'reader').token).not.toBe(makeToken('x', 'reader').token);
  });
});
