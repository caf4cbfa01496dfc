import {
  InterceptingCall,
  ListenerBuilder,
  Metadata,
  status,
  type Interceptor,
  type StatusObject,
} from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import type { EpisodicMemory } from '../../src/generated/mnemo/v1/EpisodicMemory.js';
import type { MnemoClient } from '../../src/client/index.js';
import { testClient, startApp, startRedis, failure } from '../support/testApp.js';

/** Lets every call reach the server, then loses its answer (UNAVAILABLE), as a cut link would. */
const loseAnswers: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      // The answer's message passes (grpc-js holds the status until it did); its status says the
      // call failed, so the client never sees the answer.
      next(
        metadata,
        new ListenerBuilder()
          .withOnReceiveStatus((_status: StatusObject, forward: (next: StatusObject) => void) => {
            forward({ code: status.UNAVAILABLE, details: 'answer lost', metadata: new Metadata() });
          })
          .build(),
      );
    },
  });

function episodes(agent: string, n: number): EpisodicMemory[] {
  return Array.from({ length: n }, (_, i) => ({
    agent_id: agent,
    state_vector: { values: [1, i, 0, 0, 0, 0, 0, 1] },
    reward: i,
  }));
}

describe('Upserts with a request_id are safe to retry', () => {
  let redis: RedisProcess;
  let app: App;
  let client: MnemoClient;
  let lossy: MnemoClient;
  let raw: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_KEY_PREFIX: 'idem:' });
    client = testClient(app.port);
    lossy = testClient(app.port, { channelOptions: { interceptors: [loseAnswers] } });
    raw = new Redis(redis.url);
  });

  afterAll(async () => {
    client.close();
    lossy.close();
    raw.disconnect();
    await app.stop();
    await redis.stop();
  });

  const stored = async (agent: string): Promise<string[]> =>
    (
      await client.memory.recentEpisodic({ filter: { agent_ids: [agent] }, page_size: 100 })
    ).memories.map((m) => m.id);

  it('stores one copy when the answer of the first call is lost and the call retried', async () => {
    const request = { memories: episodes('lost', 5), request_id: 'req-lost-1' };
    const lost = await failure(lossy.memory.upsertEpisodic(request));
    expect(lost.message).toBe('answer lost');
    expect(await stored('lost')).toHaveLength(5); // the first call was stored
    const retried = await client.memory.upsertEpisodic(request);
    expect((await stored('lost')).sort()).toEqual([...retried.ids].sort());
    expect(await client.memory.upsertEpisodic(request)).toEqual(retried);
  });

  it('stores every retry anew without a request_id (generated ids)', async () => {
    const request = { memories: episodes('no-id', 2) };
    await failure(lossy.memory.upsertEpisodic(request));
    await client.memory.upsertEpisodic(request);
    expect(await stored('no-id')).toHaveLength(4);
  });

  it('refuses a request_id sent again with other memories, storing nothing', async () => {
    await client.memory.upsertEpisodic({ memories: episodes('reuse', 2), request_id: 'req-reuse' });
    const error = await failure(
      client.memory.upsertEpisodic({ memories: episodes('reuse', 3), request_id: 'req-reuse' }),
    );
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.message).toMatch(/^request_id: /);
    expect(error.reason).toBe('REQUEST_ID_REUSED');
    expect(await stored('reuse')).toHaveLength(2);
  });

  it('keeps a request for the window only, under the key prefix', async () => {
    await client.memory.upsertSemantic({
      memories: [
        {
          concept_vector: { values: [0, 1, 0, 0, 0, 0, 0, 0] },
          memory_type: 'MEMORY_TYPE_PATTERN',
        },
      ],
      request_id: 'req-semantic',
    });
    const ttl = await raw.pttl('idem:request::req-semantic');
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('refuses a request_id over 128 bytes', async () => {
    const error = await failure(
      client.memory.upsertEpisodic({ memories: episodes('long', 1), request_id: 'x'.repeat(129) }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.message).toMatch(/^request_id: must be at most 128 bytes/);
  });
});
