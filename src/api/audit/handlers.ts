import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { AuditService } from '../../services/audit/AuditService.js';
import type { AuditServiceAgentPnlRequest__Output } from '../../generated/mnemo/v1/AuditServiceAgentPnlRequest.js';
import type { AuditServiceAgentPnlResponse } from '../../generated/mnemo/v1/AuditServiceAgentPnlResponse.js';
import type { AuditServiceAppendRequest__Output } from '../../generated/mnemo/v1/AuditServiceAppendRequest.js';
import type { AuditServiceAppendResponse } from '../../generated/mnemo/v1/AuditServiceAppendResponse.js';
import type { AuditServiceRangeRequest__Output } from '../../generated/mnemo/v1/AuditServiceRangeRequest.js';
import type { AuditServiceRangeResponse } from '../../generated/mnemo/v1/AuditServiceRangeResponse.js';
import type { AuditServiceTailRequest__Output } from '../../generated/mnemo/v1/AuditServiceTailRequest.js';
import type { AuditServiceTailResponse } from '../../generated/mnemo/v1/AuditServiceTailResponse.js';
import {
  type AuditLimits,
  decodeAgentPnl,
  decodeAuditEntry,
  decodeRangeQuery,
  decodeTailQuery,
  encodeAuditRecord,
} from './codec.js';
import { serverStream, unary } from '../middleware/adapter.js';

/** The AuditService RPCs: decode and validate, call the domain service, encode. */
export function auditHandlers(
  service: AuditService,
  limits: AuditLimits,
  log: Logger,
): UntypedServiceImplementation {
  return {
    Append: unary(
      'AuditService.Append',
      async (request: AuditServiceAppendRequest__Output): Promise<AuditServiceAppendResponse> =>
        service.append(decodeAuditEntry('entry', request.entry, limits)),
      log,
    ),
    Range: unary(
      'AuditService.Range',
      async (request: AuditServiceRangeRequest__Output): Promise<AuditServiceRangeResponse> => {
        const page = await service.range(decodeRangeQuery(request, limits));
        return {
          records: page.records.map(encodeAuditRecord),
          next_start_id: page.nextStartId ?? '',
        };
      },
      log,
    ),
    Tail: serverStream(
      'AuditService.Tail',
      async (
        request: AuditServiceTailRequest__Output,
        context,
        send: (message: AuditServiceTailResponse) => Promise<void>,
      ): Promise<void> => {
        await service.tail(decodeTailQuery(request), context.signal, (record) =>
          send({ record: encodeAuditRecord(record) }),
        );
      },
      log,
    ),
    AgentPnl: unary(
      'AuditService.AgentPnl',
      async (
        request: AuditServiceAgentPnlRequest__Output,
      ): Promise<AuditServiceAgentPnlResponse> => {
        const { agentId, from, to } = decodeAgentPnl(request);
        const total = await service.agentPnl(agentId, from, to);
        return { total_pnl: total.totalPnl, entries: total.entries };
      },
      log,
    ),
  };
}
