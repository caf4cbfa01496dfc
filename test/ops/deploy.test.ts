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
});
