import type { SessionServiceHandlers } from '../../generated/mnemo/v1/SessionService.js';
import { invalidArgument } from '../../model/errors.js';
import type { ListPosition, SessionService } from '../../services/session/SessionService.js';
import { confineAgents, requireAgent } from '../auth/scope.js';
import type { AsyncHandlers } from '../middleware/types.js';
import { decodePageToken, encodePageToken } from '../pageToken.js';
import {
  decodeHeartbeat,
  decodeList,
  decodeStart,
  decodeTrade,
  decodeWatch,
  encodeChange,
  encodeSession,
  requiredId,
  type SessionLimits,
} from './codec.js';

function isPosition(value: unknown): value is ListPosition {
  if (value === null || typeof value !== 'object') return false;
  const { cursor, given } = value as Partial<ListPosition>;
  return (
    typeof cursor === 'string' &&
    /^\d{1,20}$/.test(cursor) &&
    Array.isArray(given) &&
    given.every((g) => typeof g === 'string')
  );
}

/**
 * The SessionService RPCs: decode and validate, confine to the agents of the call's token
 * (ResumeSession is for admin tokens only: auth/access.ts), call the domain service, encode.
 */
export function sessionHandlers(
  service: SessionService,
  limits: SessionLimits,
): AsyncHandlers<SessionServiceHandlers> {
  return {
    StartSession: async (request, context) => {
      const input = decodeStart(request, limits);
      requireAgent(context.principal, input.agentId, 'agent_id');
      const { session, created } = await service.startSession(input);
      return { session: encodeSession(session), created };
    },
    GetSession: async (request, context) => {
      const agentId = requiredId('agent_id', request.agent_id);
      requireAgent(context.principal, agentId, 'agent_id');
      return { session: encodeSession(await service.getSession(agentId)) };
    },
    EndSession: async (request, context) => {
      const agentId = requiredId('agent_id', request.agent_id);
      requireAgent(context.principal, agentId, 'agent_id');
      return { session: encodeSession(await service.endSession(agentId)) };
    },
    Heartbeat: async (request, context) => {
      const { agentId, intervalMs } = decodeHeartbeat(request, limits);
      requireAgent(context.principal, agentId, 'agent_id');
      return { session: encodeSession(await service.heartbeat(agentId, intervalMs)) };
    },
    RecordTrade: async (request, context) => {
      const input = decodeTrade(request);
      requireAgent(context.principal, input.agentId, 'agent_id');
      const result = await service.recordTrade(input);
      return {
        session: encodeSession(result.session),
        over_drawdown: result.overDrawdown,
        duplicate: result.duplicate,
      };
    },
    ResumeSession: async (request, context) => {
      const agentId = requiredId('agent_id', request.agent_id);
      // Admin tokens only (auth/access.ts); every agent is theirs.
      requireAgent(context.principal, agentId, 'agent_id');
      return { session: encodeSession(await service.resumeSession(agentId)) };
    },
    ListSessions: async (request, context) => {
      const { status, pageSize } = decodeList(request, limits);
      const agentIds = confineAgents(context.principal, null, 'agent_id');
      // What defines the listing a page token belongs to (pageToken.ts): all but the page size.
      const identity = { status, agentIds: agentIds === null ? null : [...agentIds].sort() };
      const position = decodePageToken('page_token', request.page_token, identity);
      if (position !== null && !isPosition(position)) {
        throw invalidArgument('page_token', 'is not a page token returned by this RPC');
      }
      const page = await service.listSessions({ status, agentIds, pageSize }, position);
      return {
        sessions: page.sessions.map(encodeSession),
        next_page_token: encodePageToken(identity, page.next),
      };
    },
    WatchSessions: async (request, context, send) => {
      const query = decodeWatch(request, limits);
      const agentIds = confineAgents(context.principal, query.agentIds, 'agent_ids');
      await service.watch({ ...query, agentIds }, context.signal.asAbortSignal(), (change) =>
        send(encodeChange(change)),
      );
    },
  };
}
