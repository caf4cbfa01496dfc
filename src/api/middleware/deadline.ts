import { DomainError } from '../../model/errors.js';
import type { Middleware } from './types.js';

/**
 * A call whose deadline has passed by the time it would start (it waited in a queue, or came with
 * a deadline already spent) is answered DEADLINE_EXCEEDED without running. A deadline passing
 * later is the handler's to honour (`CallContext.deadlineMs`, `signal`); grpc-js ends the call
 * at its deadline either way.
 */
export const deadline: Middleware = (context, next) => {
  if (context.deadlineMs <= Date.now()) {
    throw new DomainError('deadline_exceeded', 'the deadline passed before the call could start');
  }
  return next();
};
