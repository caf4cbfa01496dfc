import type { AuditServiceHandlers } from '../../generated/mnemo/v1/AuditService.js';
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

/** The AuditService RPCs: decode and validate, call the domain service, encode. */
export function auditHandlers(
  service: AuditService,
  limits: AuditLimits,
): AsyncHandlers<AuditServiceHandlers> {
  return {
    Append: async (request) => service.append(decodeAuditEntry('entry', request.entry, limits)),
    Range: async (request) => {
      const page = await service.range(decodeRangeQuery(request, limits));
      return {
        records: page.records.map(encodeAuditRecord),
        next_start_id: page.nextStartId ?? '',
      };
    },
    Tail: async (request, context, send) => {
      await service.tail(decodeTailQuery(request), context.signal, (record) =>
        send({ record: encodeAuditRecord(record) }),
      );
    },
    AgentPnl: async (request) => {
      const { agentId, from, to } = decodeAgentPnl(request);
      const total = await service.agentPnl(agentId, from, to);
      return { total_pnl: total.totalPnl, entries: total.entries };
    },
  };
}
