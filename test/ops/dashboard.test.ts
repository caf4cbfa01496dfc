import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { App } from '../../src/app/App.js';
import type { RedisProcess } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';
import { registry } from '../../src/metrics/metrics.js';
import { REQUIRED_METRICS, run } from '../support/ops.js';
import { PrometheusProcess, type QueryAnswer } from '../support/prometheusProcess.js';
import { startApp, startRedis } from '../support/testApp.js';
import { trafficClients, trafficRound, type TrafficClients } from '../support/traffic.js';

const root = projectRoot();
const DIM = 8;
const MAX_K = 50;

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } }[] };
}

const dashboard = JSON.parse(
  readFileSync(join(root, 'grafana/dashboards/mnemo.json'), 'utf8'),
) as Dashboard;
const panels = dashboard.panels.filter((p) => p.type !== 'row');

/**
 * Panels that may answer nothing under the test's traffic, and why. (Ratios answer 0 rather
 * than nothing when their numerator has no series, so they are not here.)
 */
const MAY_BE_EMPTY: Readonly<Record<string, string>> = {
  'Server errors by method and code':
    'a series per method and code that happened: no INTERNAL, UNAVAILABLE, … happen here',
  'Recall estimate at the default ef':
    'set by an ef calibration, which needs an index too large for exact unfiltered searches',
};

/** Grafana's variables as the dashboard would expand them (rate window for a 1 s scrape). */
function expand(expr: string): string {
  return expr.replaceAll('$__rate_interval', '30s').replaceAll('$instance', '.*');
}

describe('grafana/dashboards/mnemo.json against a real Prometheus scraping a running mnemo', () => {
  let redis: RedisProcess;
  let app: App;
  let clients: TrafficClients;
  let prometheus: PrometheusProcess;
  const answers = new Map<string, QueryAnswer[]>();

  beforeAll(async () => {
    redis = await startRedis();
    app = await startApp(redis, { MNEMO_VECTOR_DIM: String(DIM), MNEMO_MAX_K: String(MAX_K) });
    clients = trafficClients(app.port);
    prometheus = await PrometheusProcess.start([`127.0.0.1:${app.metricsPort}`]);

    // Traffic on every RPC while Prometheus scrapes every second, until it has seen several
    // scrapes of it (rates need two samples), for at least 4 s.
    const started = Date.now();
    let round = 0;
    const seesTraffic = async (): Promise<boolean> => {
      const answer = await prometheus.query(
        'count_over_time(grpc_server_handled_total{grpc_method="UpsertEpisodic"}[30s])',
      );
      return Number(answer.data?.result[0]?.value[1] ?? 0) >= 4;
    };
    while (Date.now() - started < 4000 || !(await seesTraffic())) {
      if (Date.now() - started > 30_000) throw new Error('Prometheus never saw the traffic');
      await trafficRound(clients, { dim: DIM, unique: `r${round++}`, maxK: MAX_K });
    }
    // Queried while the traffic is still in the last scrapes' rates.
    for (const panel of panels) {
      answers.set(
        panel.title,
        await Promise.all((panel.targets ?? []).map((t) => prometheus.query(expand(t.expr)))),
      );
    }
  });

  afterAll(async () => {
    clients.close();
    await prometheus.stop();
    await app.stop();
    await redis.stop();
  });

  it('has the panels the issue asks for, each with a query and a unique id', () => {
    const titles = panels.map((p) => p.title);
    for (const wanted of [
      'Requests by method and code',
      'Errors by method and code',
      'Query latency by query type',
      'Batch sizes',
      'Dedup rate',
      'Circuit breaker state by node',
      'Replica read spread',
      'Cache hit ratio',
      'Rate-limiter denials',
      'Audit append rate',
      'Redis memory',
      'Redis connections',
      'Index size',
    ]) {
      expect(titles).toContain(wanted);
    }
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of panels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.w, panel.title).toBeGreaterThan(0);
    }
  });

  it('refers to every mnemo metric (the default process metrics aside)', async () => {
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    const ours = (await registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((name) => !name.startsWith('nodejs_') && !name.startsWith('process_'));
    for (const name of new Set([...ours, ...Object.keys(REQUIRED_METRICS)])) {
      expect(exprs, name).toMatch(new RegExp(`\\b${name}(_bucket|_sum|_count)?\\b`));
    }
  });

  it('uses the provisioned Prometheus datasource everywhere', () => {
    const datasources = parse(
      readFileSync(join(root, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
    ) as { datasources: { uid: string; type: string; url: string }[] };
    const [source] = datasources.datasources;
    expect(source).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        expect(target.datasource, panel.title).toEqual({ type: 'prometheus', uid: source?.uid });
      }
    }
    const providers = parse(
      readFileSync(join(root, 'grafana/provisioning/dashboards/mnemo.yml'), 'utf8'),
    ) as { providers: { type: string; options: { path: string } }[] };
    // Where docker-compose.yml mounts grafana/dashboards.
    expect(providers.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
  });

  it('runs every panel query as valid PromQL', () => {
    for (const panel of panels) {
      for (const answer of answers.get(panel.title) ?? []) {
        expect(answer.error ?? '', panel.title).toBe('');
        expect(answer.status, panel.title).toBe('success');
      }
    }
    expect(answers.size).toBe(panels.length);
  });

  it('answers with data under traffic, except the panels listed as possibly empty', () => {
    const empty = panels
      .filter((panel) => {
        const results = (answers.get(panel.title) ?? []).map((a) => a.data?.result ?? []);
        // A panel answers when every one of its queries returns series.
        return results.length === 0 || results.some((result) => result.length === 0);
      })
      .map((panel) => panel.title);
    for (const title of Object.keys(MAY_BE_EMPTY))
      expect(panels.map((p) => p.title)).toContain(title);
    expect(empty.filter((title) => !(title in MAY_BE_EMPTY))).toEqual([]);
    const answered = panels.length - empty.length;
    expect(answered / panels.length).toBeGreaterThanOrEqual(0.9);
  });

  it('shows the traffic itself, not just zeros, on the main panels', () => {
    const positive = (title: string): boolean =>
      (answers.get(title) ?? []).some((answer) =>
        (answer.data?.result ?? []).some((series) => Number(series.value[1]) > 0),
      );
    for (const title of [
      'Requests by method and code',
      'Errors by method and code',
      'gRPC latency by method (unary)',
      'Query latency by query type',
      'Queries by type and status',
      'Batch sizes',
      'Replica read spread',
      'Cache hit ratio',
      'Rate-limiter denials',
      'Audit append rate',
      'Redis memory',
      'Redis connections',
      'Index size',
      'Health (1 = SERVING)',
    ]) {
      expect(positive(title), title).toBe(true);
    }
  });

  it('expands its instance variable through a valid query that lists the running mnemo', async () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'instance');
    const match = /^label_values\((.+), instance\)$/.exec(variable?.query.query ?? '');
    expect(match).not.toBeNull();
    const answer = await prometheus.query(match?.[1] ?? '');
    expect(answer.data?.result.map((r) => r.metric.instance)).toEqual([
      `127.0.0.1:${app.metricsPort}`,
    ]);
  });

  it('ships a Prometheus config for the compose stack that promtool accepts', async () => {
    const result = await run('promtool', [
      'check',
      'config',
      join(root, 'deploy/prometheus/prometheus.yml'),
    ]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
