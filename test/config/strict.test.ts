import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, settingNames } from '../../src/config/config.js';
import { NOT_SERVER_SETTINGS } from '../../src/config/envReader.js';
import { projectRoot } from '../../src/config/projectRoot.js';

/** The ConfigError `loadConfig(env)` throws (failing the test when it throws none). */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect((error as ConfigError).message).toBe(problems.join('\n'));
    return problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('every problem at once', () => {
  it('reports each bad setting on a line of its own, naming it, in one ConfigError', () => {
    const problems = problemsOf({
      MNEMO_VECTOR_DIM: '1',
      MNEMO_LOG_LEVEL: 'loud',
      MNEMO_REDIS_URL: 'http://user:hunter2@host',
      MNEMO_TLS_CERT: 'a.crt',
      MNEMO_RATE_LIMITS: 'a=1/1,a=2/2',
      MNEMO_KEY_PREFIX: 'a*',
    });
    expect(problems).toEqual([
      'MNEMO_TLS_KEY is not set but MNEMO_TLS_CERT is: TLS needs both (or neither)',
      'MNEMO_REDIS_URL must be a redis:// or rediss:// URL, got "http:"',
      'MNEMO_KEY_PREFIX must not contain spaces or glob characters (* ? [ ])',
      'MNEMO_VECTOR_DIM must be between 2 and 4096, got 1',
      'MNEMO_LOG_LEVEL must be one of debug, info, warn, error, silent, got "loud"',
      'MNEMO_RATE_LIMITS names the bucket "a" twice',
    ]);
  });

  it('reports protected mode beside the other problems', () => {
    const problems = problemsOf({ MNEMO_GRPC_ADDRESS: '0.0.0.0:1', MNEMO_MAX_K: '0' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^MNEMO_GRPC_ADDRESS is 0.0.0.0:1, not a loopback address/);
    expect(problems[1]).toBe('MNEMO_MAX_K must be between 1 and 100000, got 0');
  });
});

describe('unknown MNEMO_ names', () => {
  it.each([
    ['MNEMO_REDIS_ULR', 'MNEMO_REDIS_URL'], // transposition
    ['MNEMO_MAXK', 'MNEMO_MAX_K'],
    ['MNEMO_VECTOR_DIMS', 'MNEMO_VECTOR_DIM'],
    ['MNEMO_SHUTDOWN_GRACE', 'MNEMO_SHUTDOWN_GRACE_MS'],
    ['MNEMO_REDIS_SENTINEL', 'MNEMO_REDIS_SENTINELS'],
    ['MNEMO_TLS_CERTS', 'MNEMO_TLS_CERT'],
  ])('refuses %s, suggesting %s', (name, nearest) => {
    expect(problemsOf({ [name]: 'redis://10.0.0.1:6379' })).toEqual([
      `${name} is not a mnemo setting; did you mean ${nearest}?`,
    ]);
  });

  it.each(['MNEMO_FOO', 'MNEMO_COLOUR_SCHEME', 'MNEMO_'])(
    'refuses %s without a far-fetched suggestion',
    (name) => {
      expect(problemsOf({ [name]: '1' })).toEqual([
        `${name} is not a mnemo setting (docs/configuration.md lists them)`,
      ]);
    },
  );

  it('refuses one even when blank, and after the bad settings', () => {
    expect(problemsOf({ MNEMO_REDIS_ULR: ' ', MNEMO_MAX_K: 'x' })).toEqual([
      'MNEMO_MAX_K must be a whole number, got "x"',
      'MNEMO_REDIS_ULR is not a mnemo setting; did you mean MNEMO_REDIS_URL?',
    ]);
  });

  it('ignores the variables Kubernetes adds for Services named mnemo and mnemo-metrics', () => {
    const links = {
      MNEMO_SERVICE_HOST: '10.0.0.7',
      MNEMO_SERVICE_PORT: '50051',
      MNEMO_SERVICE_PORT_GRPC: '50051',
      MNEMO_PORT: 'tcp://10.0.0.7:50051',
      MNEMO_PORT_50051_TCP: 'tcp://10.0.0.7:50051',
      MNEMO_PORT_50051_TCP_PROTO: 'tcp',
      MNEMO_PORT_50051_TCP_PORT: '50051',
      MNEMO_PORT_50051_TCP_ADDR: '10.0.0.7',
      MNEMO_METRICS_SERVICE_HOST: '10.0.0.8',
      MNEMO_METRICS_SERVICE_PORT: '9464',
      MNEMO_METRICS_PORT: 'tcp://10.0.0.8:9464',
      MNEMO_METRICS_PORT_9464_TCP_ADDR: '10.0.0.8',
    };
    expect(loadConfig(links).metricsAddress).toBe('0.0.0.0:9464');
  });

  it('still refuses a lone name of that shape, without its _SERVICE_HOST', () => {
    expect(problemsOf({ MNEMO_GRPC_PORT: '50051' })).toEqual([
      'MNEMO_GRPC_PORT is not a mnemo setting (docs/configuration.md lists them)',
    ]);
    expect(problemsOf({ MNEMO_SERVICE_HOST: 'x', MNEMO_PORT_50051_UDP_HOST: 'y' })).toEqual([
      'MNEMO_PORT_50051_UDP_HOST is not a mnemo setting (docs/configuration.md lists them)',
    ]);
  });

  it('ignores the build and test variables, and names not under MNEMO_', () => {
    const env = Object.fromEntries([...NOT_SERVER_SETTINGS].map((name) => [name, '1']));
    expect(() => loadConfig({ ...env, PATH: '/bin', mnemo_redis_url: 'x' })).not.toThrow();
  });
});

describe('the known names', () => {
  it('are what the parser reads: every setting, and none of the build and test variables', () => {
    const names = settingNames();
    expect(names).toContain('MNEMO_REDIS_URL');
    expect(names).toContain('MNEMO_KEY_PREFIX');
    expect(names).toContain('MNEMO_TLS_CLIENT_CA');
    expect(names).toContain('MNEMO_RATE_LIMITS');
    expect(names.length).toBeGreaterThanOrEqual(50);
    for (const name of NOT_SERVER_SETTINGS) expect(names).not.toContain(name);
    const env = Object.fromEntries(names.map((name) => [name, '']));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('are each documented in docs/configuration.md, as are the build and test variables', () => {
    const doc = readFileSync(join(projectRoot(), 'docs', 'configuration.md'), 'utf8');
    const names = [...settingNames(), ...NOT_SERVER_SETTINGS];
    expect(names.filter((name) => !doc.includes(`\`${name}\``))).toEqual([]);
  });

  it('are every variable the table of docs/configuration.md lists: none is read conditionally', () => {
    const doc = readFileSync(join(projectRoot(), 'docs', 'configuration.md'), 'utf8');
    const table = doc.slice(
      doc.indexOf('## Variables'),
      doc.indexOf('## ', doc.indexOf('## Variables') + 3),
    );
    const listed = [...table.matchAll(/^\| `(MNEMO_[A-Z0-9_]+)`/gm)].map((match) => match[1]);
    expect(listed.length).toBeGreaterThanOrEqual(50);
    expect([...listed].sort()).toEqual(settingNames());
  });

  it('cover every MNEMO_ variable the tests, benchmarks and build read or set', () => {
    const read = new Set<string>();
    for (const file of buildAndTestSources()) {
      const text = readFileSync(join(projectRoot(), file), 'utf8');
      for (const match of text.matchAll(
        /process\.env\.(MNEMO_[A-Z0-9_]+)|\b(MNEMO_[A-Z0-9_]+)=/g,
      )) {
        read.add(match[1] ?? match[2] ?? '');
      }
    }
    expect(read).toContain('MNEMO_TEST_MODULES');
    expect(read).toContain('MNEMO_FUZZ_SEED');
    // The placeholder of bench/lib/options.ts's "--server-env must be MNEMO_NAME=value".
    const known = new Set([...settingNames(), ...NOT_SERVER_SETTINGS, 'MNEMO_NAME']);
    expect([...read].filter((name) => !known.has(name))).toEqual([]);
  });
});

/** The TypeScript of test/ and bench/, and the build's files naming variables. */
function buildAndTestSources(): string[] {
  const scripts = ['test', 'bench'].flatMap((dir) =>
    readdirSync(join(projectRoot(), dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(dir, file)),
  );
  return [...scripts, 'vitest.config.ts', 'binding.gyp', 'package.json', 'Dockerfile'];
}
