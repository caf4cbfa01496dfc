import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../src/config/projectRoot.js';
import { loadConfig } from '../../src/config/config.js';

const root = projectRoot();

interface ComposeService {
  environment?: Record<string, string>;
  stop_grace_period?: string;
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const mnemo = compose.services.mnemo ?? {};

/** A stage of the Dockerfile: its FROM line and its instructions (continuations joined). */
interface Stage {
  from: string;
  instructions: string[];
}

/** The Dockerfile's stages in order, comments dropped. */
function dockerStages(): Stage[] {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) stages.push({ from: line, instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/** The Node major version of an official node image's FROM line. */
function nodeMajor(from: string): number {
  const match = /\bnode:(\d+)-/.exec(from);
  if (match === null) throw new Error(`not a versioned node image: ${from}`);
  return Number(match[1]);
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+)s$/.exec(duration ?? '');
  if (match === null) throw new Error(`not a duration in seconds: ${duration}`);
  return Number(match[1]);
}

describe('deploy files agree with what mnemo does', () => {
  it("gives a draining mnemo more time than its grace before Docker's SIGKILL", () => {
    const config = loadConfig(mnemo.environment ?? {});
    expect(seconds(mnemo.stop_grace_period) * 1000).toBeGreaterThanOrEqual(
      config.shutdownGraceMs + 5000,
    );
  });

  it('publishes the metrics port Prometheus scrapes', () => {
    const config = loadConfig(mnemo.environment ?? {});
    const port = config.metricsAddress.slice(config.metricsAddress.lastIndexOf(':') + 1);
    expect(mnemo.ports).toContain(`${port}:${port}`);
    const prometheus = readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8');
    expect(prometheus).toContain(`mnemo:${port}`);
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(
      new RegExp(`^EXPOSE .*\\b${port}\\b`, 'm'),
    );
  });

  it('allows plaintext gRPC on all interfaces in compose only, not in the image', () => {
    const config = loadConfig(mnemo.environment ?? {});
    expect(config).toMatchObject({ grpcAddress: '0.0.0.0:50051', insecure: true });
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/MNEMO_GRPC_ADDRESS=0\.0\.0\.0:50051/);
    const instructions = dockerfile.split('\n').filter((line) => !line.trim().startsWith('#'));
    expect(instructions.join('\n')).not.toContain('MNEMO_INSECURE');
  });

  it('provides the Grafana provisioning and dashboard the compose file mounts', () => {
    const grafana = compose.services.grafana ?? {};
    for (const volume of grafana.volumes ?? []) {
      const [source = ''] = volume.split(':');
      if (source.startsWith('./')) expect(existsSync(join(root, source)), source).toBe(true);
    }
    for (const file of [
      'grafana/provisioning/datasources/prometheus.yml',
      'grafana/provisioning/dashboards/mnemo.yml',
      'grafana/dashboards/mnemo.json',
    ]) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });

  describe('the image', () => {
    const stages = dockerStages();
    const runtime = stages.at(-1) ?? { from: '', instructions: [] };
    const build = stages.slice(0, -1);
    const buildText = build.flatMap((s) => s.instructions).join('\n');
    const runtimeText = runtime.instructions.join('\n');

    it('builds in a stage of its own and runs Node 22 LTS, as the build does (addon ABI)', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      expect(runtime.from).toMatch(/^FROM node:22-bookworm-slim$/);
      for (const stage of build) expect(nodeMajor(stage.from)).toBe(nodeMajor(runtime.from));
      expect(buildText).toMatch(/npm ci\b/);
      expect(buildText).toMatch(/npm run build\b/);
      const engines = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        engines: { node: string };
      };
      const minimum = /^>=(\d+)$/.exec(engines.engines.node);
      expect(Number(minimum?.[1])).toBeLessThanOrEqual(nodeMajor(runtime.from));
    });

    it('ships production dependencies, the addon and dist, without a compiler', () => {
      expect(runtimeText).not.toMatch(/apt-get|g\+\+|\bmake\b|python3|node-gyp/);
      expect(runtimeText).not.toMatch(/npm (ci|install)\b(?!.*--omit=dev)/);
      expect(buildText).toMatch(/npm (prune|ci) [^\n]*--omit=dev/);
      for (const path of [
        'node_modules',
        'build/Release/mnemo_hnsw.node',
        'dist',
        'package.json',
        // Read from the project root at run time (src/api/protos.ts, src/redis/scripts/loader.ts).
        'proto',
        'src/redis/lua',
      ]) {
        expect(runtimeText, path).toMatch(new RegExp(`^COPY --from=\\S+ /app/${path} `, 'm'));
      }
    });

    it('builds for any CPU of its architecture: no -march', () => {
      expect(stages.flatMap((s) => s.instructions).join('\n')).not.toMatch(
        /-march|MNEMO_NATIVE_MARCH/,
      );
      const gyp = readFileSync(join(root, 'binding.gyp'), 'utf8');
      expect(gyp).not.toMatch(/-march=native|x86-64-v\d|'native'/);
    });

    it('runs as a non-root user owning the volume its snapshots go to', () => {
      const user = /^USER (\S+)$/m.exec(runtimeText)?.[1];
      expect(user).toBeDefined();
      expect(user).not.toMatch(/^(root|0)(:|$)/);
      const dataDir = /MNEMO_DATA_DIR=(\S+)/.exec(runtimeText)?.[1] ?? '';
      expect(dataDir).toMatch(/^\//);
      const volume = runtime.instructions.findIndex((line) => line.startsWith('VOLUME'));
      expect(runtime.instructions[volume]).toContain(`"${dataDir}"`);
      const chown = runtime.instructions.findIndex((line) =>
        new RegExp(`chown ${user}(:\\S+)? ${dataDir}$`).test(line),
      );
      expect(chown).toBeGreaterThanOrEqual(0);
      expect(chown).toBeLessThan(volume); // later changes to a declared volume are discarded
      // compose puts a named volume there and mnemo's config agrees.
      expect(loadConfig(mnemo.environment ?? {}).dataDir).toBe(dataDir);
      expect(mnemo.volumes).toContainEqual(
        expect.stringMatching(new RegExp(`^[\\w-]+:${dataDir}$`)),
      );
    });
  });
});
