import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { streamSender } from '../../src/api/middleware/streamSend.js';
import { metrics } from '../../src/metrics/metrics.js';

/** A stream whose buffers are full (write answers false) until the test emits 'drain'. */
class FullStream extends EventEmitter {
  written: unknown[] = [];
  room = false;
  write(message: unknown): boolean {
    this.written.push(message);
    return this.room;
  }
}

async function idleEnded(): Promise<number> {
  const counter = await metrics.callsRefused.get();
  return counter.values.find((v) => v.labels.limit === 'stream_idle')?.value ?? 0;
}

/** Whether a promise has settled by now (after pending microtasks), and how. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (result = 'resolved'),
    () => (result = 'rejected'),
  );
  await Promise.resolve();
  await Promise.resolve();
  return result;
}

describe('streamSender: the send of a server stream, with an idle limit', () => {
  let stream: FullStream;
  let controller: AbortController;

  beforeEach(() => {
    vi.useFakeTimers();
    stream = new FullStream();
    controller = new AbortController();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves at once while the buffers have room; never times out then', async () => {
    stream.room = true;
    const send = streamSender(stream, controller.signal, 100);
    await send('a');
    vi.advanceTimersByTime(1000);
    await send('b');
    expect(stream.written).toEqual(['a', 'b']);
  });

  it('waits for drain, each wait with its own limit', async () => {
    const send = streamSender(stream, controller.signal, 100);
    for (const message of ['a', 'b', 'c']) {
      const sent = send(message);
      vi.advanceTimersByTime(90);
      expect(await state(sent)).toBe('pending');
      stream.emit('drain');
      expect(await state(sent)).toBe('resolved');
    }
    vi.advanceTimersByTime(1000); // no timer left behind
    expect(stream.listenerCount('drain')).toBe(0);
  });

  it('rejects RESOURCE_EXHAUSTED once a wait lasts the limit, counted, and so does every later send', async () => {
    const before = await idleEnded();
    const send = streamSender(stream, controller.signal, 100);
    const sent = send('a');
    sent.catch(() => undefined);
    vi.advanceTimersByTime(100);
    await expect(sent).rejects.toMatchObject({
      kind: 'resource_exhausted',
      message:
        "the client did not read the stream for 100 ms (the server's limit); the stream is ended",
      retryAfterMs: 1000,
    });
    expect(stream.listenerCount('drain')).toBe(0);
    await expect(send('b')).rejects.toMatchObject({ kind: 'resource_exhausted' });
    expect(stream.written).toEqual(['a']);
    expect((await idleEnded()) - before).toBe(1);
  });

  it('resolves a waiting send when the client cancels, and writes nothing after', async () => {
    const send = streamSender(stream, controller.signal, 100);
    const sent = send('a');
    controller.abort();
    expect(await state(sent)).toBe('resolved');
    vi.advanceTimersByTime(1000);
    await send('b');
    expect(stream.written).toEqual(['a']);
  });

  it('waits without limit with 0', async () => {
    const send = streamSender(stream, controller.signal, 0);
    const sent = send('a');
    vi.advanceTimersByTime(3_600_000);
    expect(await state(sent)).toBe('pending');
    stream.emit('drain');
    expect(await state(sent)).toBe('resolved');
  });
});
