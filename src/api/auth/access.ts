import type { Role } from '../../model/Principal.js';

/**
 * What an RPC does, for the role check: `read` (any role), `write` (admin and agent tokens, the
 * latter within their agents), `admin` (admin tokens only).
 */
export type Access = 'read' | 'write' | 'admin';

/**
 * Every RPC of the mnemo services by `Service.Method`. A method missing here is open to admin
 * tokens only, so a service added later is closed to agents until classified (a test checks
 * that every served method is listed).
 */
export const METHOD_ACCESS: Readonly<Record<string, Access>> = Object.freeze({
  'MemoryService.UpsertEpisodic': 'write',
  'MemoryService.UpsertSemantic': 'admin',
  'MemoryService.GetEpisodic': 'read',
  'MemoryService.GetSemantic': 'read',
  'MemoryService.DeleteEpisodic': 'write',
  'MemoryService.DeleteSemantic': 'admin',
  'MemoryService.DeleteEpisodicByFilter': 'write',
  'MemoryService.SearchEpisodic': 'read',
  'MemoryService.SearchSemantic': 'read',
  'MemoryService.BatchSearchEpisodic': 'read',
  'MemoryService.RecentEpisodic': 'read',
  'MemoryService.ListSemantic': 'read',
  'MemoryService.GetInfo': 'read',
  'MemoryService.SearchEpisodicStream': 'read',
  'MemoryService.SearchSemanticStream': 'read',
  'CacheService.Get': 'read',
  'CacheService.Set': 'write',
  'CacheService.Delete': 'write',
  'CacheService.GetHash': 'read',
  'CacheService.SetHash': 'write',
  'CacheService.IncrementBy': 'write',
  'RateLimitService.Acquire': 'write',
  'AuditService.Append': 'write',
  'AuditService.Range': 'read',
  'AuditService.Tail': 'read',
  'AuditService.AgentPnl': 'read',
  'SessionService.StartSession': 'write',
  'SessionService.GetSession': 'read',
  'SessionService.EndSession': 'write',
  'SessionService.Heartbeat': 'write',
  'SessionService.RecordTrade': 'write',
  'SessionService.ResumeSession': 'admin',
  'SessionService.ListSessions': 'read',
  'SessionService.WatchSessions': 'read',
  'SignalService.Publish': 'write',
  'SignalService.Subscribe': 'read',
});

const ALLOWED: Readonly<Record<Role, readonly Access[]>> = {
  admin: ['read', 'write', 'admin'],
  agent: ['read', 'write'],
  reader: ['read'],
};

/** Whether a role may call the method at all (agent confinement is checked by its handler). */
export function roleMayCall(role: Role, method: string): boolean {
  return ALLOWED[role].includes(METHOD_ACCESS[method] ?? 'admin');
}
