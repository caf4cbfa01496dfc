/**
 * Who a call acts for, as its token says (or the whole-access principal when the server has no
 * token file: protected or TLS-only mode).
 * - `admin`: every RPC, every agent, the shared namespace of cache keys and rate-limit buckets.
 * - `agent`: reads and writes confined to `agentIds`; semantic memories read-only; cache keys and
 *   buckets in the token's own namespace.
 * - `reader`: read-only RPCs, confined to `agentIds` when the token lists agents; cache keys in
 *   the token's own namespace.
 */
export type Role = 'admin' | 'agent' | 'reader';

export const ROLES: readonly Role[] = ['admin', 'agent', 'reader'];

export interface Principal {
  /** The token's name in the token file; never the secret. */
  readonly name: string;
  readonly role: Role;
  /** The agents the token may act for; null means every agent. */
  readonly agentIds: ReadonlySet<string> | null;
  /**
   * Where its cache keys and rate-limit buckets live: '' for the shared namespace (admin and the
   * tokenless server), else the token's name.
   */
  readonly namespace: string;
}

/** The principal of every call of a server without a token file. */
export const UNRESTRICTED: Principal = Object.freeze({
  name: '',
  role: 'admin',
  agentIds: null,
  namespace: '',
});

/** Whether the principal may act for this agent. */
export function mayActFor(principal: Principal, agentId: string): boolean {
  return principal.agentIds === null || principal.agentIds.has(agentId);
}
