import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { redactUrl } from '../../src/config/redact.js';
import { spawnServer } from '../support/serverProcess.js';

/** Starts a real server with `env`, which must refuse it: its exit code, stdout and stderr. */
async function refusedStart(env: Record<string, string>) {
  const server = await spawnServer(env, false);
  const code = await new Promise((resolve) => server.child.once('exit', resolve));
  return { code, stdout: server.stdout(), stderr: server.stderr() };
}

describe('operations settings', () => {
  it('serves metrics on 0.0.0.0:9464 and gives calls 10 s to finish on shutdown by default', () => {
    const config = loadConfig({});
    expect(config.metricsAddress).toBe('0.0.0.0:9464');
    expect(config.shutdownGraceMs).toBe(10_000);
  });

  it('binds metrics on their own, tokenless, whatever protected mode says of gRPC', () => {
    // Loopback gRPC (protected mode) leaves the metrics default alone, and metrics on a
    // non-loopback address need no MNEMO_INSECURE: /metrics only reads, and Prometheus scrapes it
    // from another host.
    expect(loadConfig({ MNEMO_METRICS_ADDRESS: '0.0.0.0:9464' }).grpcAddress).toBe(
      '127.0.0.1:50051',
    );
    expect(() => loadConfig({ MNEMO_METRICS_ADDRESS: '10.0.0.5:9464' })).not.toThrow();
    expect(() => loadConfig({ MNEMO_GRPC_ADDRESS: '10.0.0.5:50051' })).toThrow(
      /MNEMO_GRPC_ADDRESS .*MNEMO_INSECURE=true/,
    );
  });

  it('reads MNEMO_METRICS_ADDRESS and MNEMO_SHUTDOWN_GRACE_MS', () => {
    const config = loadConfig({
      MNEMO_METRICS_ADDRESS: '127.0.0.1:9100',
      MNEMO_SHUTDOWN_GRACE_MS: '2500',
    });
    expect(config.metricsAddress).toBe('127.0.0.1:9100');
    expect(config.shutdownGraceMs).toBe(2500);
  });

  it.each([
    ['MNEMO_METRICS_ADDRESS', '9464', /MNEMO_METRICS_ADDRESS must be host:port/],
    ['MNEMO_SHUTDOWN_GRACE_MS', '-1', /MNEMO_SHUTDOWN_GRACE_MS must be a whole number/],
    ['MNEMO_SHUTDOWN_GRACE_MS', '700000', /MNEMO_SHUTDOWN_GRACE_MS must be between 0 and 600000/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('never echoes a Redis password in a configuration error', () => {
    for (const value of ['redis//:hunter2@host:6379', 'http://user:hunter2@host:6379']) {
      let message = '';
      try {
        loadConfig({ MNEMO_REDIS_URL: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^MNEMO_REDIS_URL must be/);
      expect(message).not.toContain('hunter2');
    }
  });

  it('redacts the credentials of URLs', () => {
    expect(redactUrl('redis://:pw@10.0.0.1:6379/2')).toBe('redis://***@10.0.0.1:6379/2');
    expect(redactUrl('rediss://user:p@ss/w0rd@host:6380')).toBe('rediss://***@host:6380');
    expect(redactUrl('redis://10.0.0.1:6379')).toBe('redis://10.0.0.1:6379');
    expect(redactUrl('user:pw@host')).toBe('***@host');
  });

  it('stops a server started with a misspelled variable, naming the right one', async () => {
    const { code, stdout, stderr } = await refusedStart({ MNEMO_REDIS_ULR: 'redis://10.9.9.9:1' });
    expect(code, stderr).toBe(2);
    expect(stderr).toBe(
      'mnemo: invalid configuration: MNEMO_REDIS_ULR is not a mnemo setting; ' +
        'did you mean MNEMO_REDIS_URL?\n',
    );
    expect(stdout).toBe('');
  }, 30_000);

  it('reports every bad setting of a server at once, one line each', async () => {
    const { code, stdout, stderr } = await refusedStart({
      MNEMO_VECTOR_DIM: '1',
      MNEMO_INSECURE: 'yes',
      MNEMO_MAX_K: 'many',
    });
    expect(code, stderr).toBe(2);
    expect(stderr.split('\n')).toEqual([
      'mnemo: invalid configuration: MNEMO_INSECURE must be true or false, got "yes"',
      'mnemo: invalid configuration: MNEMO_VECTOR_DIM must be between 2 and 4096, got 1',
      'mnemo: invalid configuration: MNEMO_MAX_K must be a whole number, got "many"',
      '',
    ]);
    expect(stdout).toBe('');
  }, 30_000);
});
