import type { AuditServiceHandlers } from '../../generated/mnemo/v1/AuditService.js';
import { confineAgents, requireAgent } from '../auth/scope.js';
import type { AsyncHandlers } from '../middleware/types.js';
import type { AuditService } from '../../services/audit/AuditService.js';
import {
  type AuditLimits,
  decodeAgentPnl,
  decodeAuditEntry,
  decodeRangeQuery,
  decodeTailQuery,
  encodeAuditRecord,
} from './codec.js';
import { decodePageToken, encodePageToken } from '../pageToken.js';
import { invalidArgument } from '../../model/errors.js';

/**
 * The AuditService RPCs: decode and validate, confine to the agents of the call's token (it
 * appends, reads and sums only their entries), call the domain service, encode.
 */
export function auditHandlers(
  service: AuditService,
  limits: AuditLimits,
): AsyncHandlers<AuditServiceHandlers> {
  return {
    Append: async (request, context) => {
      const entry = decodeAuditEntry('entry', request.entry, limits);
      requireAgent(context.principal, entry.agentId, 'entry.agent_id');
      return service.append(entry);
    },
    Range: async (request, context) => {
      const query = decodeRangeQuery(request, limits);
      const agentIds = confineAgents(context.principal, query.agentIds, 'agent_id');
      // What defines the range a page token belongs to (pageToken.ts): all but the page size.
      const { count, ...defining } = query;
      const identity = { ...defining, agentIds };
      const next = decodePageToken('page_token', request.page_token, identity);
      if (next !== null && typeof next !== 'string') {
        throw invalidArgument('page_token', 'is not a page token returned by this RPC');
      }
      const page = await service.range({
        ...query,
        agentIds,
        count,
        startId: next ?? query.startId,
      });
      return {
        records: page.records.map(encodeAuditRecord),
        next_start_id: page.nextStartId ?? '',
        next_page_token: encodePageToken(identity, page.nextStartId),
      };
    },
    Tail: async (request, context, send) => {
      const query = decodeTailQuery(request);
      const agentIds = confineAgents(context.principal, query.agentIds, 'agent_id');
      await service.tail({ ...query, agentIds }, context.signal.asAbortSignal(), (record) =>
        send({ record: encodeAuditRecord(record) }),
      );
    },
    AgentPnl: async (request, context) => {
      const { agentId, from, to } = decodeAgentPnl(request);
      requireAgent(context.principal, agentId, 'agent_id');
      const total = await service.agentPnl(agentId, from, to);
      return { total_pnl: total.totalPnl, entries: total.entries };
    },
  };
}
