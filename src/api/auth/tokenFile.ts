import { createHash, randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../model/Principal.js';

/** A token's request quota: a token bucket of `burst` requests refilled at `requestsPerSecond`. */
export interface Quota {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** One line of the token file, validated. */
export interface TokenEntry {
  readonly name: string;
  /** SHA-256 of the token (32 bytes); the token itself is never stored. */
  readonly digest: Buffer;
  readonly role: Role;
  /** The agents an agent (or reader) token acts for; null = every agent. */
  readonly agentIds: readonly string[] | null;
  readonly quota: Quota | null;
}

/** Raised when a token file cannot be used; the message lists every problem found. */
export class TokenFileError extends Error {
  override readonly name = 'TokenFileError';
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const ENTRY_FIELDS = new Set(['name', 'sha256', 'role', 'agent_ids', 'quota']);
const QUOTA_FIELDS = new Set(['requests_per_second', 'burst']);
const MAX_AGENT_ID_BYTES = 256;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a token file: `{"tokens": [{"name", "sha256", "role", "agent_ids"?, "quota"?}]}`.
 * Every problem is reported at once (TokenFileError), naming the entry and field, never quoting
 * a hash. Names are `[A-Za-z0-9._-]{1,64}`; one name may appear on several lines (a token being
 * rotated) only with the same role, agents and quota, since they share one namespace.
 */
export function parseTokenFile(text: string): TokenEntry[] {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw new TokenFileError('the token file is not valid JSON');
  }
  if (!isObject(root) || !Array.isArray(root.tokens)) {
    throw new TokenFileError('the token file must be an object with a "tokens" array');
  }
  const problems: string[] = [];
  const entries: TokenEntry[] = [];
  root.tokens.forEach((raw: unknown, i) => {
    const entry = parseEntry(raw, `tokens[${i}]`, problems);
    if (entry !== null) entries.push(entry);
  });
  checkAcrossEntries(entries, problems);
  if (problems.length > 0) throw new TokenFileError(problems.join('; '));
  return entries;
}

function parseEntry(raw: unknown, at: string, problems: string[]): TokenEntry | null {
  if (!isObject(raw)) {
    problems.push(`${at} must be an object`);
    return null;
  }
  const before = problems.length;
  for (const key of Object.keys(raw)) {
    if (!ENTRY_FIELDS.has(key)) problems.push(`${at} has an unknown field "${key.slice(0, 32)}"`);
  }
  const { name, sha256, role } = raw;
  if (typeof name !== 'string' || !NAME.test(name)) {
    problems.push(`${at}.name must be 1 to 64 of A-Z a-z 0-9 . _ -`);
  }
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
    problems.push(`${at}.sha256 must be the 64 hex digits of the token's SHA-256`);
  }
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    problems.push(`${at}.role must be one of ${ROLES.join(', ')}`);
  }
  const agentIds = parseAgentIds(raw.agent_ids, role, at, problems);
  const quota = parseQuota(raw.quota, `${at}.quota`, problems);
  if (problems.length > before) return null;
  return {
    name: name as string,
    digest: Buffer.from(sha256 as string, 'hex'),
    role: role as Role,
    agentIds,
    quota,
  };
}

function parseAgentIds(
  raw: unknown,
  role: unknown,
  at: string,
  problems: string[],
): readonly string[] | null {
  if (raw === undefined) {
    if (role === 'agent') problems.push(`${at}.agent_ids is required for role agent`);
    return null;
  }
  if (role === 'admin') {
    problems.push(`${at}.agent_ids must be absent for role admin (it acts for every agent)`);
    return null;
  }
  const valid =
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.every(
      (id) => typeof id === 'string' && id !== '' && Buffer.byteLength(id) <= MAX_AGENT_ID_BYTES,
    );
  if (!valid) {
    problems.push(`${at}.agent_ids must be a non-empty array of non-empty agent ids`);
    return null;
  }
  return [...new Set(raw as string[])];
}

function parseQuota(raw: unknown, at: string, problems: string[]): Quota | null {
  if (raw === undefined) return null;
  if (!isObject(raw)) {
    problems.push(`${at} must be an object`);
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!QUOTA_FIELDS.has(key)) problems.push(`${at} has an unknown field "${key.slice(0, 32)}"`);
  }
  const rate = raw.requests_per_second;
  const burst = raw.burst ?? (typeof rate === 'number' ? Math.max(1, Math.ceil(rate)) : 1);
  const rateOk = typeof rate === 'number' && rate >= 0.001 && rate <= 1_000_000;
  const burstOk = typeof burst === 'number' && Number.isInteger(burst) && burst >= 1;
  if (!rateOk) problems.push(`${at}.requests_per_second must be from 0.001 to 1000000`);
  if (!burstOk || burst > 1_000_000_000) {
    problems.push(`${at}.burst must be a whole number from 1 to 1000000000`);
  }
  return rateOk && burstOk ? { requestsPerSecond: rate, burst: burst } : null;
}

function sameScope(a: TokenEntry, b: TokenEntry): boolean {
  return (
    a.role === b.role &&
    JSON.stringify(a.agentIds === null ? null : [...a.agentIds].sort()) ===
      JSON.stringify(b.agentIds === null ? null : [...b.agentIds].sort()) &&
    JSON.stringify(a.quota) === JSON.stringify(b.quota)
  );
}

function checkAcrossEntries(entries: readonly TokenEntry[], problems: string[]): void {
  const byDigest = new Map<string, string>();
  const byName = new Map<string, TokenEntry>();
  for (const entry of entries) {
    const hex = entry.digest.toString('hex');
    const other = byDigest.get(hex);
    if (other !== undefined) problems.push(`tokens "${other}" and "${entry.name}" share a hash`);
    byDigest.set(hex, entry.name);
    const first = byName.get(entry.name);
    if (first !== undefined && !sameScope(first, entry)) {
      problems.push(`the lines of token "${entry.name}" differ in role, agent_ids or quota`);
    }
    if (first === undefined) byName.set(entry.name, entry);
  }
}

/** The SHA-256 of a token, as the token file and authentication compare it. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * A new random token (256 bits) and its line for the token file, with `quota` when given;
 * TokenFileError when the line would not be valid.
 */
export function makeToken(
  name: string,
  role: Role,
  agentIds: readonly string[] = [],
  quota?: { requests_per_second: number; burst?: number },
): { token: string; line: Record<string, unknown> } {
  const token = `mnemo_${randomBytes(32).toString('base64url')}`;
  const line: Record<string, unknown> = {
    name,
    sha256: tokenDigest(token).toString('hex'),
    role,
  };
  if (agentIds.length > 0) line.agent_ids = [...agentIds];
  if (quota !== undefined) line.quota = quota;
  parseTokenFile(JSON.stringify({ tokens: [line] }));
  return { token, line };
}
