// Raw grpc-js clients on purpose: the limits are the transport's (per connection, per stream,
// HTTP/2 flow control of a client that stops reading), checked with their pushback headers and
// streams paused and cancelled through grpc-js's event API.
import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { connect as connectHttp2 } from 'node:http2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { metrics } from '../../src/metrics/metrics.js';
import { AuditService } from '../../src/services/audit/AuditService.js';
import { agentClients, rejection, type AgentClients } from '../support/agentServer.js';
import { healthClient } from '../support/ops.js';
import { startApp, startRedis } from '../support/testApp.js';
import { tokenClients, writeTokenFile } from '../support/tokenClients.js';

/**
 * The call limits on a real server: beyond MNEMO_MAX_MESSAGE_BYTES, MNEMO_MAX_INFLIGHT (in total
 * and per connection) and MNEMO_MAX_STREAMS calls are refused RESOURCE_EXHAUSTED with a pushback,
 * every slot is released when its call ends, however it ends, and a client slow to read a stream
 * holds the server to a bounded write buffer. Calls are held in flight with audit Tails.
 */

/** A connection of its own (clients with equal options would share one). */
const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1 };

const WAIT = { timeout: 10_000, interval: 5 };

let redis: RedisProcess;
const clients: AgentClients[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

function connect(app: App): AgentClients {
  const client = agentClients(app.port, OWN_CONNECTION);
  clients.push(client);
  return client;
}

type Tail = ClientReadableStream<unknown>;

/** Opens a Tail and resolves once the server counts it (the test then holds a call in flight). */
async function openTail(app: App, client: AgentClients, agentId = ''): Promise<Tail> {
  const before = app.callCounts().streams;
  // One agent's tail reads from the start of the log, so that no entry appended after it opened
  // can be missed (`$` is the end of the log whenever the server first reads it).
  const tail = client.tail({ after_id: agentId === '' ? '$' : '0', agent_id: agentId }) as Tail;
  tail.on('error', () => undefined); // its CANCELLED, when the test cancels it
  await vi.waitFor(() => {
    expect(app.callCounts().streams).toBeGreaterThan(before);
  }, WAIT);
  return tail;
}

/** The status a stream ends with (fails the test if it ends OK). */
function streamError(tail: Tail): Promise<ServiceError> {
  return new Promise((resolve, reject) => {
    tail.on('data', () => undefined);
    tail.once('error', resolve);
    tail.once('end', () => {
      reject(new Error('expected the stream to fail'));
    });
  });
}

function pushbackMs(error: ServiceError): string[] {
  return error.metadata.get('grpc-retry-pushback-ms').map(String);
}

async function expectCountsBackToZero(app: App): Promise<void> {
  await vi.waitFor(() => {
    expect(app.callCounts()).toEqual({ inflight: 0, streams: 0, connections: 0 });
  }, WAIT);
}

describe('streams per client (MNEMO_MAX_STREAMS_PER_CLIENT=2 here)', () => {
  let app: App;
  const file = writeTokenFile([
    { name: 'desk-1', role: 'reader' },
    { name: 'desk-2', role: 'reader' },
  ]);
  const as = (name: string): AgentClients => {
    const client = tokenClients(app.port, file.secrets[name] ?? '', {
      channelOptions: OWN_CONNECTION,
    });
    clients.push(client);
    return client;
  };

  afterEach(async () => {
    await expectCountsBackToZero(app);
    await app.stop();
  });

  it('refuses a 3rd stream of one connection, not another connection’s (no tokens)', async () => {
    app = await startApp(redis, { MNEMO_MAX_STREAMS_PER_CLIENT: '2', MNEMO_REDIS_POOL_SIZE: '16' });
    const client = connect(app);
    const held = [await openTail(app, client), await openTail(app, client)];
    const refused = await streamError(client.tail({ after_id: '$', agent_id: '' }));
    expect([refused.code, refused.details]).toEqual([
      status.RESOURCE_EXHAUSTED,
      'this client has 2 streams open, its limit; end one first',
    ]);
    expect(pushbackMs(refused)).toEqual(['1000']);
    held.push(await openTail(app, connect(app)));
    for (const tail of held) tail.cancel();
  });

  it('counts the streams of one token over all its connections', async () => {
    app = await startApp(redis, {
      MNEMO_MAX_STREAMS_PER_CLIENT: '2',
      MNEMO_REDIS_POOL_SIZE: '16',
      MNEMO_AUTH_TOKENS_FILE: file.path,
    });
    const held = [await openTail(app, as('desk-1')), await openTail(app, as('desk-1'))];
    const refused = await streamError(as('desk-1').tail({ after_id: '$', agent_id: '' }));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    held.push(await openTail(app, as('desk-2')));
    for (const tail of held) tail.cancel();
  });
});

describe('streams whose client does not read (MNEMO_STREAM_IDLE_TIMEOUT_MS=400 here)', () => {
  const IDLE_MS = 400;
  let app: App;
  const meta = JSON.stringify({ note: 'x'.repeat(8000) }); // ~8 KB per entry

  beforeAll(async () => {
    app = await startApp(redis, {
      MNEMO_STREAM_IDLE_TIMEOUT_MS: String(IDLE_MS),
      MNEMO_MAX_STREAMS: '2',
      MNEMO_MAX_STREAMS_PER_CLIENT: '2',
      MNEMO_REDIS_POOL_SIZE: '16',
    });
  });

  afterEach(async () => {
    await expectCountsBackToZero(app);
  });

  afterAll(async () => {
    await app.stop();
  });

  async function idleEnded(): Promise<number> {
    const counter = await metrics.callsRefused.get();
    return counter.values.find((v) => v.labels.limit === 'stream_idle')?.value ?? 0;
  }

  async function append(client: AgentClients, agentId: string, count: number): Promise<void> {
    for (let i = 0; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, (_, j) =>
          client.audit.Append({
            entry: { agent_id: agentId, action: 'fill', tx_id: `${agentId}-${i + j}`, meta },
          }),
        ),
      );
    }
  }

  it('ends the tails of a client that stops reading and frees their slots for others', async () => {
    const before = await idleEnded();
    const hog = connect(app);
    // Opened paused (no reader): grpc-js takes a few messages, then the HTTP/2 windows fill.
    const held = [await openTail(app, hog, 'hog'), await openTail(app, hog, 'hog')];
    const ended = held.map((tail) => streamError(tail));
    for (const tail of held) tail.pause();
    const other = connect(app);
    const refused = await streamError(other.tail({ after_id: '$', agent_id: '' }));
    expect(refused.details).toMatch(/the server has 2 streams open/);

    await append(other, 'hog', 300); // ~2.4 MB for each tail: far beyond its buffers
    await vi.waitFor(() => {
      expect(app.callCounts().streams).toBe(0);
    }, WAIT);
    expect((await idleEnded()) - before).toBe(2);

    // Their slots are free: another client tails, and so does the same one again.
    const fresh = [await openTail(app, other), await openTail(app, hog)];
    // The status reaches the client after what was buffered for it, once it reads.
    for (const tail of held) tail.resume();
    for (const error of await Promise.all(ended)) {
      expect([error.code, error.details]).toEqual([
        status.RESOURCE_EXHAUSTED,
        `the client did not read the stream for ${IDLE_MS} ms (the server's limit); the stream is ended`,
      ]);
      expect(pushbackMs(error)).toEqual(['1000']);
    }
    for (const tail of fresh) tail.cancel();
  });

  it('keeps a quiet tail whose client reads, however long nothing comes', async () => {
    const before = await idleEnded();
    const client = connect(app);
    const tail = await openTail(app, client, 'quiet');
    const got: string[] = [];
    tail.on('data', (message: { record: { entry: { tx_id: string } } }) => {
      got.push(message.record.entry.tx_id);
    });
    await append(client, 'quiet', 1);
    await vi.waitFor(() => {
      expect(got).toEqual(['quiet-0']);
    }, WAIT);
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_MS));
    expect(app.callCounts().streams).toBe(1);
    await client.audit.Append({ entry: { agent_id: 'quiet', action: 'fill', tx_id: 'quiet-1' } });
    await vi.waitFor(() => {
      expect(got).toEqual(['quiet-0', 'quiet-1']);
    }, WAIT);
    expect(await idleEnded()).toBe(before);
    tail.cancel();
  });
});

describe('MNEMO_MAX_MESSAGE_BYTES (64 KiB here)', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp(redis, {
      MNEMO_MAX_MESSAGE_BYTES: String(64 * 1024),
      MNEMO_REDIS_POOL_SIZE: '1',
    });
  });

  afterAll(async () => {
    await app.stop();
  });

  it('answers a larger request RESOURCE_EXHAUSTED and goes on serving', async () => {
    const client = connect(app);
    const tooLarge = client.cache.Set({ key: 'big', value: Buffer.alloc(65 * 1024) });
    expect((await rejection(tooLarge)).code).toBe(status.RESOURCE_EXHAUSTED);

    await client.cache.Set({ key: 'fits', value: Buffer.alloc(60 * 1024) });
    expect((await client.cache.Get({ key: 'fits' })).value).toHaveLength(60 * 1024);
    const health = healthClient(app.port);
    try {
      expect(await health.check('')).toBe('SERVING');
    } finally {
      health.close();
    }
    await expectCountsBackToZero(app);
  });

  it('releases the slots of calls refused or failing after admission', async () => {
    const client = connect(app);
    const tail = await openTail(app, client);
    // The one pooled tail connection is taken: the handler refuses this one.
    const refused = await streamError(client.tail({ after_id: '$', agent_id: '' }));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/tail connections/);
    const invalid = await rejection(client.cache.Get({ key: '' }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(app.callCounts()).toEqual({ inflight: 1, streams: 1, connections: 1 });

    tail.cancel();
    await expectCountsBackToZero(app);
  });
});

describe('calls in flight (3 per connection, 5 in total here)', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp(redis, {
      MNEMO_MAX_INFLIGHT_PER_CONNECTION: '3',
      MNEMO_MAX_INFLIGHT: '5',
      MNEMO_REDIS_POOL_SIZE: '16',
    });
  });

  afterEach(async () => {
    await expectCountsBackToZero(app);
  });

  afterAll(async () => {
    await app.stop();
  });

  it('refuses a 4th call on one connection RESOURCE_EXHAUSTED with a pushback; another connection gets through', async () => {
    const first = connect(app);
    const second = connect(app);
    const held = [];
    for (let i = 0; i < 3; i++) held.push(await openTail(app, first));

    const refused = await rejection(first.cache.Get({ key: 'k' }));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/this connection has 3 calls in flight/);
    expect(pushbackMs(refused)).toEqual(['250']);
    const refusedTail = await streamError(first.tail({ after_id: '$', agent_id: '' }));
    expect(refusedTail.code).toBe(status.RESOURCE_EXHAUSTED);

    expect((await second.cache.Get({ key: 'k' })).found).toBe(false);
    expect(app.callCounts()).toEqual({ inflight: 3, streams: 3, connections: 1 });

    held[0]?.cancel();
    await vi.waitFor(() => {
      expect(app.callCounts().inflight).toBe(2);
    }, WAIT);
    expect((await first.cache.Get({ key: 'k' })).found).toBe(false);
    for (const tail of held) tail.cancel();
  });

  it('refuses any call beyond 5 in flight in total, whichever the connection, until some end', async () => {
    const [a, b, c] = [connect(app), connect(app), connect(app)];
    const held = [
      await openTail(app, a),
      await openTail(app, a),
      await openTail(app, a),
      await openTail(app, b),
      await openTail(app, b),
    ];
    expect(app.callCounts()).toEqual({ inflight: 5, streams: 5, connections: 2 });

    for (const client of [a, b, c]) {
      const refused = await rejection(client.rateLimit.Acquire({ bucket: 'r', capacity: 1 }));
      expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(pushbackMs(refused)).toEqual(['250']);
    }
    const total = await rejection(c.cache.Get({ key: 'k' }));
    expect(total.details).toMatch(/the server has 5 calls in flight/);

    held[3]?.cancel();
    await vi.waitFor(() => {
      expect(app.callCounts().inflight).toBe(4);
    }, WAIT);
    expect((await c.cache.Get({ key: 'k' })).found).toBe(false);
    for (const tail of held) tail.cancel();
  });
});

describe('streams (MNEMO_MAX_STREAMS=2 here)', () => {
  let app: App;

  beforeAll(async () => {
    app = await startApp(redis, { MNEMO_MAX_STREAMS: '2', MNEMO_REDIS_POOL_SIZE: '16' });
  });

  afterEach(async () => {
    await expectCountsBackToZero(app);
  });

  afterAll(async () => {
    await app.stop();
  });

  it('refuses a 3rd stream RESOURCE_EXHAUSTED with a pushback; unary calls still pass', async () => {
    const client = connect(app);
    const held = [await openTail(app, client), await openTail(app, connect(app))];

    const refused = await streamError(client.tail({ after_id: '$', agent_id: '' }));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.details).toMatch(/the server has 2 streams open/);
    expect(pushbackMs(refused)).toEqual(['1000']);
    expect((await client.cache.Get({ key: 'k' })).found).toBe(false);
    for (const tail of held) tail.cancel();
  });

  it('frees the slots of cancelled streams: a flood of abandoned tails leaves nothing behind', async () => {
    const client = connect(app);
    for (let round = 0; round < 25; round++) {
      const tails = [await openTail(app, client), await openTail(app, client)];
      for (const tail of tails) tail.cancel();
      await vi.waitFor(() => {
        expect(app.callCounts().streams).toBe(0);
      }, WAIT);
    }
  });

  describe('a client slow to read', () => {
    const entries = 1000;
    const meta = JSON.stringify({ note: 'x'.repeat(8000) }); // ~8 KB per entry, ~8 MB in all

    afterEach(() => {
      vi.restoreAllMocks();
    });

    /** What the server hands to the sends of tails, and whether one waits for its client. */
    function watchTails(): { delivered: number; waiting: boolean } {
      const seen = { delivered: 0, waiting: false };
      // The unspied method, taken off the prototype as a plain function.
      const tail = Object.getOwnPropertyDescriptor(AuditService.prototype, 'tail')
        ?.value as AuditService['tail'];
      vi.spyOn(AuditService.prototype, 'tail').mockImplementation(function (
        this: AuditService,
        query,
        signal,
        deliver,
      ) {
        return tail.call(this, query, signal, async (record) => {
          seen.delivered++;
          seen.waiting = true;
          await deliver(record);
          seen.waiting = false;
        });
      });
      return seen;
    }

    async function appendEntries(agentId: string): Promise<void> {
      const writer = connect(app);
      for (let i = 0; i < entries; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) =>
            writer.audit.Append({
              entry: { agent_id: agentId, action: 'fill', tx_id: `${agentId}-${i + j}`, meta },
            }),
          ),
        );
      }
    }

    /** With every entry appended, the server waits on the client, a small part handed over. */
    async function expectServerWaiting(seen: { delivered: number; waiting: boolean }) {
      await vi.waitFor(() => {
        expect(seen.waiting || seen.delivered === entries).toBe(true);
      }, WAIT);
      expect(seen.waiting).toBe(true);
      expect(seen.delivered).toBeLessThan(entries / 10);
    }

    it('that stops reading holds the server to a bounded write buffer, and loses nothing', async () => {
      const seen = watchTails();
      const tail = await openTail(app, connect(app), 'slow');
      try {
        const ids: string[] = [];
        tail.on('data', (message: { record: { entry: { tx_id: string } } }) => {
          ids.push(message.record.entry.tx_id);
          if (ids.length === 1) tail.pause(); // reads one entry, then nothing
        });
        await appendEntries('slow');
        await expectServerWaiting(seen);

        tail.resume();
        await vi.waitFor(() => {
          expect(ids).toHaveLength(entries);
        }, WAIT);
        // Appended 50 at a time: in log order, which is not tx order within a group.
        const expected = Array.from({ length: entries }, (_, i) => `slow-${i}`);
        expect([...ids].sort()).toEqual(expected.sort());
      } finally {
        tail.cancel();
      }
    });

    it('that never reads (raw HTTP/2) holds a bounded write buffer and frees its slot when gone', async () => {
      const seen = watchTails();
      const session = connectHttp2(`http://127.0.0.1:${app.port}`);
      session.on('error', () => undefined); // its own destroy, below
      try {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/mnemo.v1.AuditService/Tail',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        stream.on('error', () => undefined);
        // One message, { after_id: "0", agent_id: "never" }; the answer is never read.
        const request = Buffer.from([
          0x0a,
          1,
          ...Buffer.from('0'),
          0x12,
          5,
          ...Buffer.from('never'),
        ]);
        const frame = Buffer.alloc(5);
        frame.writeUInt32BE(request.length, 1);
        stream.end(Buffer.concat([frame, request]));
        await vi.waitFor(() => {
          expect(app.callCounts().streams).toBe(1);
        }, WAIT);
        await appendEntries('never');
        await expectServerWaiting(seen);
      } finally {
        session.destroy(); // the client is gone, its connection with it
      }
      await expectCountsBackToZero(app);
    });
  });
});
