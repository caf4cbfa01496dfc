import { describe, expect, it, vi } from 'vitest';
import { Cancellation, type CancelSignal } from '../../src/model/Cancellation.js';

describe('Cancellation (a call’s signal)', () => {
  it('is not aborted and has no reason until it aborts', () => {
    const cancellation = new Cancellation();
    expect(cancellation.aborted).toBe(false);
    expect(cancellation.reason).toBeUndefined();
    const reason = new Error('the client cancelled the call');
    cancellation.abort(reason);
    expect(cancellation.aborted).toBe(true);
    expect(cancellation.reason).toBe(reason);
  });

  it('tells each listener once, in the order added, and keeps the first reason', () => {
    const cancellation = new Cancellation();
    const heard: string[] = [];
    cancellation.addEventListener('abort', () => heard.push('first'));
    const second = (): void => {
      heard.push(`second: ${String(cancellation.reason)}`);
    };
    const signal: CancelSignal = cancellation; // as the request path sees it
    signal.addEventListener('abort', second, { once: true });
    cancellation.addEventListener('abort', second); // added twice: told once, as EventTarget does
    cancellation.abort('stop');
    cancellation.abort('again');
    expect(heard).toEqual(['first', 'second: stop']);
    expect(cancellation.reason).toBe('stop');
  });

  it('does not tell a removed listener, nor one added after it aborted', () => {
    const cancellation = new Cancellation();
    const removed = vi.fn();
    cancellation.addEventListener('abort', removed);
    cancellation.removeEventListener('abort', removed);
    cancellation.abort('stop');
    const late = vi.fn();
    cancellation.addEventListener('abort', late);
    expect(removed).not.toHaveBeenCalled();
    expect(late).not.toHaveBeenCalled();
  });

  it('tells every listener when one throws, and reports the error outside the caller', () => {
    const cancellation = new Cancellation();
    const after = vi.fn();
    cancellation.addEventListener('abort', () => {
      throw new Error('listener failed');
    });
    cancellation.addEventListener('abort', after);
    // Reported on a microtask of its own, as an uncaught exception (as an EventTarget reports it).
    const reports: (() => void)[] = [];
    const queued = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((report) => {
      reports.push(report);
    });
    try {
      expect(() => {
        cancellation.abort('stop');
      }).not.toThrow();
    } finally {
      queued.mockRestore();
    }
    expect(after).toHaveBeenCalledOnce();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toThrow('listener failed');
  });

  describe('asAbortSignal', () => {
    it('gives one AbortSignal that aborts with it, with its reason', () => {
      const cancellation = new Cancellation();
      const signal = cancellation.asAbortSignal();
      expect(cancellation.asAbortSignal()).toBe(signal);
      expect(signal.aborted).toBe(false);
      const onAbort = vi.fn();
      signal.addEventListener('abort', onAbort);
      cancellation.abort('stop');
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe('stop');
      expect(onAbort).toHaveBeenCalledOnce();
    });

    it('is aborted already when asked for after the abort', () => {
      const cancellation = new Cancellation();
      cancellation.abort('stop');
      const signal = cancellation.asAbortSignal();
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBe('stop');
      expect(AbortSignal.any([signal]).aborted).toBe(true);
    });
  });
});
