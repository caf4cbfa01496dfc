import { permissionDenied } from '../../model/errors.js';
import type { Principal } from '../../model/Principal.js';

const OUTSIDE = "names an agent outside this token's agents";

/**
 * The agents a filter may name for this principal: the filter's own when all are the token's
 * (PERMISSION_DENIED naming `field` otherwise), the token's agents when the filter names none
 * (empty, null or undefined), and the filter's unchanged for a principal of every agent.
 */
export function confineAgents<Absent extends null | undefined>(
  principal: Principal,
  requested: readonly string[] | Absent,
  field: string,
): readonly string[] | Absent {
  const scope = principal.agentIds;
  if (scope === null) return requested;
  if (requested == null || requested.length === 0) return [...scope];
  if (requested.some((agent) => !scope.has(agent))) throw permissionDenied(field, OUTSIDE);
  return requested;
}

/** The one agent a request acts for must be the token's (PERMISSION_DENIED naming `field`). */
export function requireAgent(principal: Principal, agentId: string, field: string): void {
  if (principal.agentIds !== null && !principal.agentIds.has(agentId)) {
    throw permissionDenied(field, OUTSIDE);
  }
}

/** The owners a write is confined to: the token's agents, or null for every agent. */
export function writeOwners(principal: Principal): readonly string[] | null {
  return principal.agentIds === null ? null : [...principal.agentIds];
}
