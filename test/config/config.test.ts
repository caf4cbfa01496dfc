import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  isLoopbackAddress,
  loadConfig,
  servingMode,
} from '../../src/config/config.js';

describe('loadConfig', () => {
  it('needs no configuration: serves on 127.0.0.1:50051 with 256 dimensions', () => {
    const config = loadConfig({});
    expect(config.grpcAddress).toBe('127.0.0.1:50051');
    expect(config.insecure).toBe(false);
    expect(config.tls).toBeNull();
    expect(config.redisUrl).toBeNull();
    expect(config.vectorDim).toBe(256);
    expect(config.maxK).toBe(1000);
    expect(config.keyPrefix).toBe('');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the MNEMO_ variables', () => {
    const config = loadConfig({
      MNEMO_GRPC_ADDRESS: '127.0.0.1:7000',
      MNEMO_REDIS_URL: 'redis://10.0.0.1:6380/2',
      MNEMO_VECTOR_DIM: '768',
      MNEMO_MAX_K: '50',
      MNEMO_KEY_PREFIX: 'desk1:',
      MNEMO_TARGET_RECALL: '0.995',
      MNEMO_VECTOR_PRECISION: 'float16',
      MNEMO_EF_CALIBRATION_SAMPLES: '1024',
    });
    expect(config).toMatchObject({
      grpcAddress: '127.0.0.1:7000',
      vectorDim: 768,
      maxK: 50,
      keyPrefix: 'desk1:',
      targetRecall: 0.995,
      vectorPrecision: 'float16',
      efCalibrationSamples: 1024,
    });
    expect(loadConfig({}).vectorPrecision).toBe('float32');
    expect(loadConfig({}).targetRecall).toBe(0.98);
    expect(loadConfig({}).efCalibrationSamples).toBe(512);
    expect(loadConfig({ MNEMO_TARGET_RECALL: '0' }).targetRecall).toBe(0);
  });

  it.each([
    ['MNEMO_VECTOR_DIM', 'abc', /MNEMO_VECTOR_DIM must be a whole number/],
    ['MNEMO_VECTOR_DIM', '1', /MNEMO_VECTOR_DIM must be between 2 and 4096/],
    ['MNEMO_MAX_K', '0', /MNEMO_MAX_K must be between/],
    ['MNEMO_GRPC_ADDRESS', 'nowhere', /MNEMO_GRPC_ADDRESS must be host:port/],
    ['MNEMO_REDIS_URL', 'http://x', /MNEMO_REDIS_URL must be a redis/],
    ['MNEMO_KEY_PREFIX', 'a*', /MNEMO_KEY_PREFIX must not contain/],
    ['MNEMO_LOG_LEVEL', 'loud', /MNEMO_LOG_LEVEL must be one of/],
    ['MNEMO_TARGET_RECALL', '1', /MNEMO_TARGET_RECALL must be a number from 0 to below 1/],
    ['MNEMO_VECTOR_PRECISION', 'int8', /MNEMO_VECTOR_PRECISION must be float32 or float16/],
    [
      'MNEMO_EF_CALIBRATION_SAMPLES',
      '2000',
      /MNEMO_EF_CALIBRATION_SAMPLES must be between 16 and 1024/,
    ],
    ['MNEMO_TARGET_RECALL', '98%', /MNEMO_TARGET_RECALL must be a number from 0 to below 1/],
    ['MNEMO_INSECURE', 'yes', /MNEMO_INSECURE must be true or false, got "yes"/],
    ['MNEMO_INSECURE', 'TRUE', /MNEMO_INSECURE must be true or false/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  describe('protected mode', () => {
    it.each([
      '0.0.0.0:50051',
      '[::]:50051',
      '192.168.1.20:50051',
      '10.0.0.1:0',
      '[fe80::1]:50051',
      '[::ffff:10.0.0.1]:50051',
      'mnemo.internal:50051',
      'localhost.example:50051',
    ])('refuses MNEMO_GRPC_ADDRESS=%s without MNEMO_INSECURE, naming both', (grpcAddress) => {
      for (const env of [{}, { MNEMO_INSECURE: 'false' }, { MNEMO_INSECURE: ' ' }]) {
        const load = () => loadConfig({ MNEMO_GRPC_ADDRESS: grpcAddress, ...env });
        expect(load).toThrow(ConfigError);
        expect(load).toThrow(
          `MNEMO_GRPC_ADDRESS is ${grpcAddress}, not a loopback address: without TLS or tokens`,
        );
        expect(load).toThrow(`set MNEMO_INSECURE=true to serve plaintext without tokens`);
      }
    });

    it.each([
      '127.0.0.1:50051',
      '127.1.2.3:7000',
      'localhost:50051',
      'LocalHost:0',
      '[::1]:50051',
      '[0:0:0:0:0:0:0:1]:50051',
      '[::ffff:127.0.0.1]:50051',
    ])('serves loopback clients on %s without MNEMO_INSECURE', (grpcAddress) => {
      const config = loadConfig({ MNEMO_GRPC_ADDRESS: grpcAddress });
      expect(config.grpcAddress).toBe(grpcAddress);
      expect(isLoopbackAddress(grpcAddress)).toBe(true);
      expect(servingMode(config)).toBe(
        'protected mode: plaintext without tokens, serving loopback clients only',
      );
    });

    it('starts on a non-loopback address with MNEMO_INSECURE=true, and says so', () => {
      const config = loadConfig({ MNEMO_GRPC_ADDRESS: '0.0.0.0:50051', MNEMO_INSECURE: 'true' });
      expect(config).toMatchObject({ grpcAddress: '0.0.0.0:50051', insecure: true });
      expect(servingMode(config)).toBe(
        'insecure mode: plaintext without tokens on 0.0.0.0:50051 (MNEMO_INSECURE=true)',
      );
      expect(loadConfig({ MNEMO_GRPC_ADDRESS: '[::]:1', MNEMO_INSECURE: ' true ' }).insecure).toBe(
        true,
      );
    });

    it.each([
      [{}, 'TLS mode: TLS on 0.0.0.0:50051'],
      [
        { MNEMO_TLS_CLIENT_CA: '/etc/mnemo/clients.crt' },
        'TLS mode: TLS (mutual: client certificates required) on 0.0.0.0:50051',
      ],
    ])(
      'lets TLS (%o) lift it on a non-loopback address, and says so',
      (extra: Record<string, string>, mode) => {
        const config = loadConfig({
          MNEMO_GRPC_ADDRESS: '0.0.0.0:50051',
          MNEMO_TLS_CERT: '/etc/mnemo/server.crt',
          MNEMO_TLS_KEY: ' /etc/mnemo/server.key ',
          ...extra,
        });
        expect(config.insecure).toBe(false);
        expect(config.tls).toEqual({
          certFile: '/etc/mnemo/server.crt',
          keyFile: '/etc/mnemo/server.key',
          clientCaFile: extra.MNEMO_TLS_CLIENT_CA ?? null,
        });
        expect(servingMode(config)).toBe(mode);
      },
    );

    it('says TLS after tokens when both are configured', () => {
      const config = loadConfig({
        MNEMO_GRPC_ADDRESS: '[::]:50051',
        MNEMO_AUTH_TOKENS_FILE: '/etc/mnemo/tokens.json',
        MNEMO_TLS_CERT: 'a.crt',
        MNEMO_TLS_KEY: 'a.key',
        MNEMO_TLS_CLIENT_CA: 'ca.crt',
      });
      expect(servingMode(config)).toBe(
        'tokens required on [::]:50051 (MNEMO_AUTH_TOKENS_FILE), TLS (mutual: client certificates required)',
      );
    });

    it('says TLS on loopback too', () => {
      const config = loadConfig({ MNEMO_TLS_CERT: 'a.crt', MNEMO_TLS_KEY: 'a.key' });
      expect(servingMode(config)).toBe('TLS mode: TLS on 127.0.0.1:50051');
    });

    it('names the way TLS lifts it when refusing', () => {
      expect(() => loadConfig({ MNEMO_GRPC_ADDRESS: '0.0.0.0:1' })).toThrow(
        'set MNEMO_TLS_CERT and MNEMO_TLS_KEY to serve TLS',
      );
    });

    it('starts on a non-loopback address with a token file, and says tokens are required', () => {
      const config = loadConfig({
        MNEMO_GRPC_ADDRESS: '0.0.0.0:50051',
        MNEMO_AUTH_TOKENS_FILE: '/etc/mnemo/tokens.json',
      });
      expect(config).toMatchObject({
        insecure: false,
        authTokensFile: '/etc/mnemo/tokens.json',
      });
      expect(servingMode(config)).toBe(
        'tokens required on 0.0.0.0:50051 (MNEMO_AUTH_TOKENS_FILE), plaintext',
      );
    });

    it('checks the address format first: a malformed address is not also refused as such', () => {
      for (const env of [{ MNEMO_INSECURE: 'true' }, {}]) {
        const load = () => loadConfig({ MNEMO_GRPC_ADDRESS: 'nowhere', ...env });
        expect(load).toThrow(/^MNEMO_GRPC_ADDRESS must be host:port, got "nowhere"$/);
      }
    });
  });
});

describe('TLS variables', () => {
  it.each([
    [{ MNEMO_TLS_CERT: 'a.crt' }, 'MNEMO_TLS_KEY is not set but MNEMO_TLS_CERT is'],
    [
      { MNEMO_TLS_KEY: 'a.key', MNEMO_TLS_CERT: ' ' },
      'MNEMO_TLS_CERT is not set but MNEMO_TLS_KEY is',
    ],
    [
      { MNEMO_TLS_CLIENT_CA: 'ca.crt' },
      'MNEMO_TLS_CLIENT_CA is set without MNEMO_TLS_CERT and MNEMO_TLS_KEY',
    ],
    [
      { MNEMO_TLS_CLIENT_CA: 'ca.crt', MNEMO_TLS_KEY: 'a.key' },
      'MNEMO_TLS_CERT is not set but MNEMO_TLS_KEY is',
    ],
  ])('refuses %o, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps a core for the JS thread: search slots are the cores but one, at least one', () => {
    const cores = availableParallelism();
    expect(loadConfig({}).batchSearchSlots).toBe(Math.max(1, cores - 1));
    expect(loadConfig({}).batchConcurrency).toBe(cores);
    expect(loadConfig({ MNEMO_BATCH_SEARCH_SLOTS: '6' }).batchSearchSlots).toBe(6);
    expect(() => loadConfig({ MNEMO_BATCH_SEARCH_SLOTS: '0' })).toThrow(
      /MNEMO_BATCH_SEARCH_SLOTS must be between 1 and 4096/,
    );
  });

  it('reads no file: the files are checked when the server starts', () => {
    const env = { MNEMO_TLS_CERT: '/nonexistent/a.crt', MNEMO_TLS_KEY: '/nonexistent/a.key' };
    expect(loadConfig(env).tls).toMatchObject({ certFile: '/nonexistent/a.crt' });
  });
});

describe('call limits', () => {
  it('defaults to 32 MiB requests, 2000 calls in flight, 1000 per connection, 100 streams', () => {
    expect(loadConfig({})).toMatchObject({
      maxMessageBytes: 32 * 1024 * 1024,
      maxInflight: 2000,
      maxInflightPerConnection: 1000,
      maxStreams: 100,
    });
  });

  it('fits a request of MNEMO_MAX_BATCH memories of 4096 float32 dimensions by default', () => {
    const config = loadConfig({});
    expect(config.maxBatch * 4096 * 4).toBeLessThanOrEqual(config.maxMessageBytes / 2);
  });

  it('reads MNEMO_MAX_MESSAGE_BYTES, MNEMO_MAX_INFLIGHT(_PER_CONNECTION), MNEMO_MAX_STREAMS', () => {
    expect(
      loadConfig({
        MNEMO_MAX_MESSAGE_BYTES: '1024',
        MNEMO_MAX_INFLIGHT: '10',
        MNEMO_MAX_INFLIGHT_PER_CONNECTION: '3',
        MNEMO_MAX_STREAMS: '2',
      }),
    ).toMatchObject({
      maxMessageBytes: 1024,
      maxInflight: 10,
      maxInflightPerConnection: 3,
      maxStreams: 2,
    });
  });

  it('gives streams and connections 1 MiB HTTP/2 receive windows by default', () => {
    expect(loadConfig({}).http2WindowBytes).toBe(1_048_576);
    expect(loadConfig({ MNEMO_HTTP2_WINDOW_BYTES: '65535' }).http2WindowBytes).toBe(65_535);
  });

  it('ends streams whose client does not read after 30 s by default; 0 turns it off', () => {
    expect(loadConfig({}).streamIdleTimeoutMs).toBe(30_000);
    expect(loadConfig({ MNEMO_STREAM_IDLE_TIMEOUT_MS: '0' }).streamIdleTimeoutMs).toBe(0);
    expect(loadConfig({ MNEMO_STREAM_IDLE_TIMEOUT_MS: '500' }).streamIdleTimeoutMs).toBe(500);
  });

  it.each([
    [
      'MNEMO_MAX_MESSAGE_BYTES',
      '1023',
      /MNEMO_MAX_MESSAGE_BYTES must be between 1024 and 268435456/,
    ],
    ['MNEMO_MAX_MESSAGE_BYTES', '32MiB', /MNEMO_MAX_MESSAGE_BYTES must be a whole number/],
    ['MNEMO_MAX_INFLIGHT', '0', /MNEMO_MAX_INFLIGHT must be between 1 and 1000000/],
    // At most grpc.max_concurrent_streams: beyond it, calls wait in the client instead.
    [
      'MNEMO_MAX_INFLIGHT_PER_CONNECTION',
      '1001',
      /MNEMO_MAX_INFLIGHT_PER_CONNECTION must be between 1 and 1000/,
    ],
    ['MNEMO_MAX_STREAMS', '0', /MNEMO_MAX_STREAMS must be between 1 and 100000/],
    [
      'MNEMO_STREAM_IDLE_TIMEOUT_MS',
      '3600001',
      /MNEMO_STREAM_IDLE_TIMEOUT_MS must be between 0 and 3600000/,
    ],
    ['MNEMO_STREAM_IDLE_TIMEOUT_MS', '30s', /MNEMO_STREAM_IDLE_TIMEOUT_MS must be a whole number/],
    // A connection's window only grows from HTTP/2's 65,535 bytes (WINDOW_UPDATE adds to it).
    [
      'MNEMO_HTTP2_WINDOW_BYTES',
      '65534',
      /MNEMO_HTTP2_WINDOW_BYTES must be between 65535 and 67108864/,
    ],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
