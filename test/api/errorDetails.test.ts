// Raw grpc-js clients on purpose: this checks the google.rpc.Status trailer itself
// (grpc-status-details-bin, as sent), which MnemoClient decodes into MnemoError.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { agentClients, type AgentClients } from '../support/agentServer.js';
import { rejection } from '../support/promiseClient.js';
import { statusDetails } from '../support/statusDetails.js';
import { startApp, startRedis } from '../support/testApp.js';
import { rawMemoryClient } from '../support/rawWire.js';

describe('Error details (google.rpc.Status in grpc-status-details-bin)', () => {
  let redis: RedisProcess;
  let app: App;
  let memory: ReturnType<typeof rawMemoryClient>;
  let agents: AgentClients;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_RATE_LIMITS: 'orders=10/1' });
    memory = rawMemoryClient(app.port);
    agents = agentClients(app.port);
    await memory.UpsertEpisodic({
      memories: [{ id: 'only', agent_id: 'a', state_vector: { values: [1, 0, 0, 0, 0, 0, 0, 0] } }],
    });
  });

  afterAll(async () => {
    memory.close();
    agents.close();
    await app.stop();
    await redis.stop();
  });

  it('names the bad field of an INVALID_ARGUMENT in a BadRequest, with ErrorInfo', async () => {
    const error = await rejection(
      memory.UpsertEpisodic({ memories: [{ agent_id: 'a', state_vector: { values: [1] } }] }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    const details = statusDetails(error);
    expect(details).toMatchObject({
      code: status.INVALID_ARGUMENT,
      message: error.details,
      errorInfo: { reason: 'INVALID_FIELD', domain: 'mnemo' },
      badRequest: { field_violations: [{ field: 'memories[0].state_vector' }] },
    });
    expect(error.details).toBe(
      `memories[0].state_vector: ${details?.badRequest?.field_violations[0]?.description ?? ''}`,
    );
    expect(details?.types).toEqual(['ErrorInfo', 'BadRequest']);
  });

  it('names the field and a stable reason of a FAILED_PRECONDITION', async () => {
    const error = await rejection(memory.DeleteEpisodicByFilter({ filter: { agent_ids: ['a'] } }));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(statusDetails(error)).toMatchObject({
      errorInfo: { reason: 'MATCH_ALL_REFUSED', domain: 'mnemo' },
      preconditionFailure: { violations: [{ type: 'MATCH_ALL_REFUSED', subject: 'filter' }] },
    });
    const bucket = await rejection(
      agents.rateLimit.Acquire({ bucket: 'orders', capacity: 99, refill_per_second: 1, tokens: 1 }),
    );
    expect(statusDetails(bucket)).toMatchObject({
      errorInfo: { reason: 'BUCKET_PARAMETERS_CONFIGURED' },
      preconditionFailure: { violations: [{ subject: 'capacity' }] },
    });
  });

  it('says when to retry, in RetryInfo as in grpc-retry-pushback-ms', async () => {
    const captured = { retryAfter: '', details: null as ReturnType<typeof statusDetails> };
    // A call refused at the server's stream limit: MNEMO_MAX_STREAMS_PER_CLIENT (8) tails open.
    const tails = Array.from({ length: 8 }, () => agents.tail({ after_id: '$' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = agents.tail({ after_id: '$' });
    await new Promise<void>((resolve) => {
      refused.on('error', (error: import('@grpc/grpc-js').ServiceError) => {
        captured.retryAfter = String(error.metadata.get('grpc-retry-pushback-ms')[0] ?? '');
        captured.details = statusDetails(error);
        resolve();
      });
    });
    for (const tail of tails) {
      tail.on('error', () => undefined);
      tail.cancel();
    }
    expect(captured.details).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      errorInfo: { reason: 'STREAMS_PER_CLIENT_LIMIT', domain: 'mnemo' },
    });
    const delay = captured.details?.retryInfo?.retry_delay;
    expect((delay?.seconds ?? 0) * 1000 + (delay?.nanos ?? 0) / 1e6).toBe(
      Number(captured.retryAfter),
    );
  });

  it('gives internal errors no details at all', async () => {
    // Nothing in the API answers INTERNAL on purpose; statusFromError's contract is unit-tested.
    const { statusFromError } = await import('../../src/api/middleware/errors.js');
    const { pino } = await import('pino');
    const answer = statusFromError(new Error('secret path /etc/x'), pino({ level: 'silent' }), 'm');
    expect(answer).toEqual({ code: status.INTERNAL, details: 'internal error' });
  });
});
