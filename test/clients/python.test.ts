import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { issue, makeCa, writeTlsFiles } from '../support/certificates.js';
import { run } from '../support/ops.js';
import { startApp, startRedis } from '../support/testApp.js';
import { writeTokenFile } from '../support/tokenClients.js';

/** Debian's python3, the one python3-grpcio, python3-protobuf and python3-numpy install into. */
const SYSTEM_PYTHON = '/usr/bin/python3';
const PACKAGE = join(projectRoot(), 'clients', 'python');

/** Every file under `dir`, by path relative to it, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (name === '__pycache__') continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function explain(result: { code: number | null; stdout: string; stderr: string }): string {
  return `exit ${String(result.code)}\n${result.stdout}\n${result.stderr}`;
}

describe('the Python client (clients/python)', () => {
  let redis: RedisProcess;
  let plain: App;
  let secure: App;
  let installed: string;
  let python: string;
  let install: Awaited<ReturnType<typeof run>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    installed = mkdtempSync(join(tmpdir(), 'mnemo-python-client-'));
    // As the README says: a venv that sees Debian's packages, the package installed offline.
    const venv = join(installed, 'venv');
    python = join(venv, 'bin', 'python');
    install = await run(SYSTEM_PYTHON, ['-m', 'venv', '--system-site-packages', venv]);
    if (install.code === 0) {
      const pip = ['-m', 'pip', 'install', '--quiet', '--no-build-isolation', '--no-deps'];
      install = await run(python, [...pip, '--no-index', PACKAGE]);
    }
    const ca = await makeCa('mnemo python client test CA');
    const server = await issue(ca, 'server');
    const caFile = join(installed, 'ca.crt');
    writeFileSync(caFile, ca.certPem);
    const tokens = writeTokenFile([{ name: 'py-alpha', role: 'agent', agentIds: ['py-alpha'] }]);
    redis = await startRedis();
    [plain, secure] = await Promise.all([
      startApp(redis),
      startApp(redis, { ...writeTlsFiles(server), MNEMO_AUTH_TOKENS_FILE: tokens.path }),
    ]);
    env = {
      MNEMO_TARGET: `127.0.0.1:${plain.port}`,
      MNEMO_TLS_TARGET: `localhost:${secure.port}`,
      MNEMO_TLS_CA_FILE: caFile,
      MNEMO_AGENT_TOKEN: tokens.secrets['py-alpha'] ?? '',
      MNEMO_AGENT_ID: 'py-alpha',
    };
  });

  afterAll(async () => {
    await Promise.all([plain?.stop(), secure?.stop()]);
    await redis?.stop();
  });

  it('installs offline with Debian setuptools, without build isolation or dependencies', async () => {
    expect(install.code, explain(install)).toBe(0);
    const imported = await run(python, [
      '-c',
      'import mnemo_client; print(mnemo_client.__version__)',
    ]);
    expect(imported.stdout.trim(), explain(imported)).toBe('0.1.0');
  });

  it('holds exactly the stubs generate_stubs.sh writes from proto/', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mnemo-python-stubs-'));
    const result = await run('bash', [join(PACKAGE, 'generate_stubs.sh'), out]);
    expect(result.code, explain(result)).toBe(0);
    const committed = tree(join(PACKAGE, 'src', 'mnemo_client', '_pb'));
    const generated = tree(out);
    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [path, bytes] of generated) {
      expect(committed.get(path)?.equals(bytes), `${path} differs: run npm run gen:python`).toBe(
        true,
      );
    }
  });

  it('passes its tests against live mnemos: every RPC, asyncio, TLS, tokens and retries', async () => {
    const result = await run(python, ['-m', 'unittest', 'discover', '-v', '-s', 'tests'], '', {
      cwd: PACKAGE,
      env: { ...env, PYTHONPATH: join(PACKAGE, 'tests') },
    });
    expect(result.code, explain(result)).toBe(0);
    expect(result.stderr).toMatch(/^OK$/m);
  });

  it('runs the example trading agent end to end', async () => {
    const result = await run(python, [join(PACKAGE, 'examples', 'trading_agent.py')], '', {
      env: { MNEMO_TARGET: env.MNEMO_TARGET ?? '' },
    });
    expect(result.code, explain(result)).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Record<
      string,
      number
    >;
    expect(summary.trades).toBeGreaterThan(0);
    expect(summary.price_cache_hits).toBeGreaterThan(0);
    expect(summary.price_cache_misses).toBeGreaterThan(0);
    expect(summary.audit_entries).toBe(summary.actions);
    expect(summary.memories_written).toBe(summary.trades);
  });

  it("runs the README's Python snippet as pasted, against a live mnemo", async () => {
    const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
    const snippet = /```python\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(snippet).toContain('MnemoClient("localhost:50051")');
    const script = snippet.replace('localhost:50051', env.MNEMO_TARGET ?? '');
    const result = await run(python, ['-'], script);
    expect(result.code, explain(result)).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('ep-py 0.0');
  });
});
