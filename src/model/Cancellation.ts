import { setMaxListeners } from 'node:events';

/**
 * What work done for a call listens to, to stop when the call is cancelled: the part of an
 * AbortSignal it uses (an AbortSignal is one).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Why it aborted (undefined before). */
  readonly reason: unknown;
  /** `listener` runs once when it aborts; not if it already has, nor after its removal. */
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** A call's cancellation as its handler sees it: a CancelSignal, and a real AbortSignal on demand. */
export interface CallSignal extends CancelSignal {
  /**
   * An AbortSignal that aborts with this (at once if it has), for APIs that take one
   * (`AbortSignal.any`, fetch, timers); made on first use, the same one after.
   */
  asAbortSignal(): AbortSignal;
}

/**
 * The cancellation of one call or one message of a stream. It behaves as an AbortController's
 * signal does for the uses above, at a fraction of the cost: in Node 20 making an AbortSignal
 * costs microseconds (the prototype of an EventTarget is swapped), which every call and every
 * stream message with a timeout paid, though few are ever cancelled.
 */
export class Cancellation implements CallSignal {
  private state: { reason: unknown } | null = null;
  private listeners: Set<() => void> | null = null;
  private abortSignal: AbortSignal | null = null;

  get aborted(): boolean {
    return this.state !== null;
  }

  get reason(): unknown {
    return this.state?.reason;
  }

  /** (As a CancelSignal it also takes `{ once }`, which changes nothing: a listener is told once.) */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.state !== null) return;
    (this.listeners ??= new Set()).add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.listeners?.delete(listener);
  }

  /**
   * Aborts with `reason` (once: later calls do nothing) and runs the listeners, in the order they
   * were added. A listener that throws does not keep the others from running; its error is
   * thrown afterwards, outside the caller, as an EventTarget reports it.
   */
  abort(reason: unknown): void {
    if (this.state !== null) return;
    this.state = { reason };
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners === null) return;
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  asAbortSignal(): AbortSignal {
    if (this.abortSignal !== null) return this.abortSignal;
    if (this.state !== null) {
      this.abortSignal = AbortSignal.abort(this.state.reason);
      return this.abortSignal;
    }
    const controller = new AbortController();
    // As many listeners as the call needs (a stream's every wait listens to it).
    setMaxListeners(0, controller.signal);
    this.abortSignal = controller.signal;
    this.addEventListener('abort', () => {
      controller.abort(this.reason);
    });
    return this.abortSignal;
  }
}
