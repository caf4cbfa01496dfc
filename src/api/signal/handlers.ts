import type { SignalServiceHandlers } from '../../generated/mnemo/v1/SignalService.js';
import { permissionDenied } from '../../model/errors.js';
import { mayActFor, type Principal } from '../../model/Principal.js';
import { alertAgent } from '../../model/Signal.js';
import type { SignalService } from '../../services/signal/SignalService.js';
import type { AsyncHandlers } from '../middleware/types.js';
import { decodePublish, decodeSubscribe, encodeMessage } from './codec.js';

const OUTSIDE = "names an agent outside this token's agents";

/** `alerts:{agent}` only for the token's agents; `signals:*` and `broadcast` for every token. */
function requireChannel(principal: Principal, channel: string, field: string): void {
  const agent = alertAgent(channel);
  if (agent !== null && !mayActFor(principal, agent)) throw permissionDenied(field, OUTSIDE);
}

/**
 * The SignalService RPCs. Scope: a token confined to agents publishes and subscribes to
 * `alerts:{agent}` for its own agents only, and to patterns only under `signals:` (a pattern
 * could match other agents' alerts); `signals:*` and `broadcast` are open to every token
 * (Publish needs a writing role: admin or agent, by METHOD_ACCESS).
 */
export function signalHandlers(service: SignalService): AsyncHandlers<SignalServiceHandlers> {
  return {
    Publish: async (request, context) => {
      const { channel, content, durable } = decodePublish(request);
      requireChannel(context.principal, channel, 'channel');
      return service.publish(channel, content, durable);
    },
    Subscribe: async (request, context, send) => {
      const query = decodeSubscribe(request);
      // The request's own list, so that the field named is the one sent.
      request.channels.forEach((channel, i) => {
        requireChannel(context.principal, channel, `channels[${i}]`);
      });
      if (context.principal.agentIds !== null) {
        query.prefixes.forEach((prefix, i) => {
          if (!prefix.startsWith('signals:')) {
            throw permissionDenied(
              `patterns[${i}]`,
              "a token confined to agents may only use patterns under 'signals:'",
            );
          }
        });
      }
      await service.subscribe(query, context.signal.asAbortSignal(), (message) =>
        send(encodeMessage(message)),
      );
    },
  };
}
