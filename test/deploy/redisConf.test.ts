import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type handleUnaryCall,
} from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { freePort } from '../../src/app/RedisProcess.js';
import { projectRoot } from '../../src/config/projectRoot.js';

const root = projectRoot();

/** A redis-server started from one of the repository's conf files, on a free loopback port. */
interface ConfServer {
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  readonly client: Redis;
  output(): string;
}

const started: ConfServer[] = [];

/**
 * Replaces the one line setting `directive` (a conf file sets each of these exactly once). Only what
 * cannot work in a test is rewritten: the port, the bind address, the data dir and the master.
 */
function rewrite(conf: string, directive: string, value: string): string {
  const line = new RegExp(`^${directive} .*$`, 'gm');
  const count = conf.match(line)?.length ?? 0;
  if (count !== 1) throw new Error(`expected one "${directive}" line, found ${count}`);
  return conf.replace(line, `${directive} ${value}`);
}

async function startConf(
  file: string,
  overrides: Readonly<Record<string, string>> = {},
): Promise<ConfServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-redis-conf-'));
  let conf = readFileSync(join(root, file), 'utf8');
  const rewrites = { port: String(port), bind: '127.0.0.1', dir, ...overrides };
  for (const [directive, value] of Object.entries(rewrites)) {
    conf = rewrite(conf, directive, value);
  }
  const confPath = join(dir, file);
  writeFileSync(confPath, conf);

  const child = spawn('redis-server', [confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  // Refused connects while the server starts are expected; failures surface through commands.
  client.on('error', () => undefined);
  const server: ConfServer = { port, dir, child, client, output: () => output };
  started.push(server);

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server ${file} exited:\n${output.slice(-2000)}`);
    }
    try {
      if (client.status === 'wait') await client.connect();
      // INFO answers on every node, whatever its replication state.
      await client.info('server');
      return server;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`redis-server ${file} did not answer:\n${output.slice(-2000)}`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function stopConf(server: ConfServer): Promise<void> {
  server.client.disconnect();
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(server.dir, { recursive: true, force: true });
}

async function configGet(client: Redis, name: string): Promise<string | undefined> {
  const reply = await client.config('GET', name);
  return reply[1];
}

/** `field:value` pairs of one INFO section. */
async function info(client: Redis, section: string): Promise<Map<string, string>> {
  const text = await client.info(section);
  const fields = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** The settings both conf files share: persistence, memory, lazyfree, threads, connections. */
function itAppliesTheSharedSettings(server: () => ConfServer): void {
  it('answers PING', async () => {
    expect(await server().client.ping()).toBe('PONG');
  });

  it('never evicts memories: maxmemory is set and maxmemory-policy is noeviction', async () => {
    const { client } = server();
    expect(await configGet(client, 'maxmemory-policy')).toBe('noeviction');
    expect(Number(await configGet(client, 'maxmemory'))).toBeGreaterThan(0);
  });

  it('persists with AOF fsynced every second, and takes no RDB snapshots', async () => {
    const { client, dir } = server();
    expect(await configGet(client, 'appendonly')).toBe('yes');
    expect(await configGet(client, 'appendfsync')).toBe('everysec');
    expect(await configGet(client, 'save')).toBe('');
    expect(await configGet(client, 'dir')).toBe(dir);
    expect((await info(client, 'persistence')).get('aof_enabled')).toBe('1');
  });

  it('frees lazily and runs two I/O threads that also read', async () => {
    const { client } = server();
    for (const name of [
      'lazyfree-lazy-eviction',
      'lazyfree-lazy-expire',
      'lazyfree-lazy-server-del',
      'lazyfree-lazy-user-del',
      'replica-lazy-flush',
      'io-threads-do-reads',
    ]) {
      expect(await configGet(client, name), name).toBe('yes');
    }
    expect(await configGet(client, 'io-threads')).toBe('2');
  });

  it('keeps idle clients and probes dead peers: timeout 0, tcp-keepalive on', async () => {
    const { client } = server();
    expect(await configGet(client, 'timeout')).toBe('0');
    expect(Number(await configGet(client, 'tcp-keepalive'))).toBeGreaterThan(0);
  });
}

describe('redis-master.conf and redis-replica.conf on a real redis-server', () => {
  let master: ConfServer;

  beforeAll(async () => {
    master = await startConf('redis-master.conf');
  });

  afterAll(async () => {
    await Promise.all(started.map(stopConf));
  });

  describe('redis-master.conf', () => {
    itAppliesTheSharedSettings(() => master);

    it('is a master', async () => {
      expect((await info(master.client, 'replication')).get('role')).toBe('master');
    });

    it('fails writes loudly under memory pressure instead of evicting', async () => {
      const { client } = master;
      await client.set('mnemo-test:kept', 'memory');
      const maxmemory = (await configGet(client, 'maxmemory')) ?? '0';
      await client.config('SET', 'maxmemory', '1');
      try {
        await expect(client.set('mnemo-test:new', 'memory')).rejects.toThrow(/OOM/);
        expect(await client.get('mnemo-test:kept')).toBe('memory');
      } finally {
        await client.config('SET', 'maxmemory', maxmemory);
      }
      await client.del('mnemo-test:kept');
    });
  });

  describe('redis-replica.conf', () => {
    let replica: ConfServer;

    beforeAll(async () => {
      replica = await startConf('redis-replica.conf', {
        replicaof: `127.0.0.1 ${master.port}`,
      });
      await vi.waitFor(
        async () => {
          expect((await info(replica.client, 'replication')).get('master_link_status')).toBe('up');
        },
        { timeout: 20_000, interval: 100 },
      );
    });

    itAppliesTheSharedSettings(() => replica);

    it('is a read-only replica of the master with its link up', async () => {
      const replication = await info(replica.client, 'replication');
      expect(replication.get('role')).toBe('slave');
      expect(replication.get('master_link_status')).toBe('up');
      expect(replication.get('master_port')).toBe(String(master.port));
      expect(await configGet(replica.client, 'replica-read-only')).toBe('yes');
      await expect(replica.client.set('mnemo-test:direct', '1')).rejects.toThrow(/READONLY/);
    });

    it('receives what is written on the master', async () => {
      const value = `memory-${Date.now()}`;
      await master.client.set('mnemo-test:replicated', value);
      await vi.waitFor(
        async () => {
          expect(await replica.client.get('mnemo-test:replicated')).toBe(value);
        },
        { timeout: 10_000, interval: 50 },
      );
      await master.client.del('mnemo-test:replicated');
    });

    it('keeps serving the data it has while its link to the master is down', async () => {
      expect(await configGet(replica.client, 'replica-serve-stale-data')).toBe('yes');
      await master.client.set('mnemo-test:kept', 'before the outage');
      await vi.waitFor(
        async () => {
          expect(await replica.client.get('mnemo-test:kept')).toBe('before the outage');
        },
        { timeout: 10_000, interval: 50 },
      );
      const nobody = await freePort();
      await replica.client.call('REPLICAOF', '127.0.0.1', String(nobody));
      expect((await info(replica.client, 'replication')).get('master_link_status')).toBe('down');
      expect(await replica.client.get('mnemo-test:kept')).toBe('before the outage');
      expect(await replica.client.ping()).toBe('PONG');
      await replica.client.call('REPLICAOF', '127.0.0.1', String(master.port));
    });
  });
});

describe('Dockerfile and .dockerignore', () => {
  it('builds on node:22-bookworm-slim with the native toolchain and runs dist/src/main.js', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/apt-get install .*\bg\+\+ make python3\b/);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/src\/main\.js"\]$/m);
    // The install script (node-gyp rebuild) runs inside npm ci: its inputs must be there first.
    const install = dockerfile.indexOf('RUN npm ci');
    expect(dockerfile.indexOf('binding.gyp')).toBeLessThan(install);
    expect(dockerfile.indexOf('COPY native')).toBeLessThan(install);
  });

  it('keeps host builds, local data and git out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'build', 'data', 'bench/results', '.git']) {
      expect(ignored).toContain(entry);
    }
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

interface PrometheusFile {
  global?: { scrape_interval?: string };
  scrape_configs: {
    job_name: string;
    scrape_interval?: string;
    static_configs: { targets: string[] }[];
  }[];
}

function parseYaml(file: string): unknown {
  return parse(readFileSync(file, 'utf8'));
}

describe('docker-compose.yml', () => {
  const compose = parseYaml(join(root, 'docker-compose.yml')) as ComposeFile;
  const service = (name: string): ComposeService => {
    const found = compose?.services[name];
    if (found === undefined) throw new Error(`no service ${name}`);
    return found;
  };
  const redisNames = ['redis-master', 'redis-replica-1', 'redis-replica-2'];

  it('has the Redis master, two replicas, mnemo, Prometheus and Grafana', () => {
    expect(Object.keys(compose?.services ?? {}).sort()).toEqual(
      [...redisNames, 'mnemo', 'prometheus', 'grafana'].sort(),
    );
  });

  it('runs each Redis on redis:7 with its conf file mounted, healthy on redis-cli ping', () => {
    for (const name of redisNames) {
      const redis = service(name);
      const conf = name === 'redis-master' ? 'redis-master.conf' : 'redis-replica.conf';
      expect(redis.image, name).toBe('redis:7');
      expect(redis.volumes, name).toContain(`./${conf}:/usr/local/etc/redis/redis.conf:ro`);
      expect(redis.command, name).toEqual(['redis-server', '/usr/local/etc/redis/redis.conf']);
      expect(redis.healthcheck?.test.join(' '), name).toMatch(/redis-cli ping/);
    }
    for (const name of ['redis-replica-1', 'redis-replica-2']) {
      expect(service(name).depends_on?.['redis-master']?.condition).toBe('service_healthy');
    }
  });

  it('builds mnemo from the Dockerfile, pointed at the master and both replicas', () => {
    const mnemo = service('mnemo');
    expect(mnemo.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(mnemo.environment).toMatchObject({
      MNEMO_REDIS_URL: 'redis://redis-master:6379',
      MNEMO_REDIS_REPLICA_URLS: 'redis://redis-replica-1:6379,redis://redis-replica-2:6379',
      MNEMO_METRICS_ADDRESS: '0.0.0.0:9464',
      // 0.0.0.0 inside the container: allowed explicitly, on the private compose network.
      MNEMO_GRPC_ADDRESS: '0.0.0.0:50051',
      MNEMO_INSECURE: 'true',
    });
    expect(mnemo.ports).toEqual(expect.arrayContaining(['50051:50051', '9464:9464']));
    for (const name of redisNames) {
      expect(mnemo.depends_on?.[name]?.condition, name).toBe('service_healthy');
    }
  });

  it('scrapes mnemo:9464 every 5 s with Prometheus, healthy on /-/healthy', () => {
    const prometheus = service('prometheus');
    expect(prometheus.image).toBe('prom/prometheus');
    expect(prometheus.volumes).toContain(
      './deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
    expect(prometheus.healthcheck?.test).toEqual(
      expect.arrayContaining(['wget', 'http://127.0.0.1:9090/-/healthy']),
    );
    const config = parseYaml(join(root, 'deploy/prometheus/prometheus.yml')) as PrometheusFile;
    const job = config.scrape_configs.find((scrape) =>
      scrape.static_configs.some((targets) => targets.targets.includes('mnemo:9464')),
    );
    expect(job?.scrape_interval ?? config.global?.scrape_interval).toBe('5s');
  });

  it('provisions Grafana from grafana/, after Prometheus is healthy, healthy on /api/health', () => {
    const grafana = service('grafana');
    expect(grafana.image).toBe('grafana/grafana');
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning',
        './grafana/dashboards:/var/lib/grafana/dashboards',
      ]),
    );
    expect(grafana.depends_on?.prometheus?.condition).toBe('service_healthy');
    expect(grafana.healthcheck?.test).toEqual(
      expect.arrayContaining(['wget', 'http://127.0.0.1:3000/api/health']),
    );
  });

  it('mounts only files of ours that exist', () => {
    for (const file of ['redis-master.conf', 'redis-replica.conf', 'Dockerfile']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    expect(existsSync(join(root, 'deploy/prometheus/prometheus.yml'))).toBe(true);
  });

  describe("mnemo's healthcheck: a real grpc.health.v1.Health/Check", () => {
    let healthServer: Server;
    let port: number;
    /** The status the fake health service answers: 1 = SERVING, 2 = NOT_SERVING. */
    let status = 1;

    const passthrough = (bytes: Buffer): Buffer => bytes;
    const healthService: ServiceDefinition = {
      Check: {
        path: '/grpc.health.v1.Health/Check',
        requestStream: false,
        responseStream: false,
        requestSerialize: passthrough,
        requestDeserialize: passthrough,
        responseSerialize: passthrough,
        responseDeserialize: passthrough,
      },
    };
    const check: handleUnaryCall<Buffer, Buffer> = (_call, callback) => {
      callback(null, Buffer.from([0x08, status]));
    };

    /** Runs the compose file's healthcheck command as Docker would; resolves its exit code. */
    async function probe(grpcPort: number): Promise<number | null> {
      const test = service('mnemo').healthcheck?.test ?? [];
      expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      const [command = '', ...args] = test.slice(1);
      const child = spawn(command, args, {
        cwd: root,
        env: { ...process.env, MNEMO_GRPC_ADDRESS: `0.0.0.0:${grpcPort}` },
        stdio: 'ignore',
      });
      return new Promise((resolve) => child.once('exit', resolve));
    }

    beforeAll(async () => {
      healthServer = new Server();
      healthServer.addService(healthService, { Check: check });
      port = await new Promise<number>((resolve, reject) => {
        healthServer.bindAsync(
          '127.0.0.1:0',
          ServerCredentials.createInsecure(),
          (error, bound) => {
            if (error) reject(error);
            else resolve(bound);
          },
        );
      });
    });

    afterAll(() => {
      healthServer.forceShutdown();
    });

    it('passes when the server answers SERVING', async () => {
      status = 1;
      expect(await probe(port)).toBe(0);
    });

    it('fails when the server answers NOT_SERVING', async () => {
      status = 2;
      expect(await probe(port)).toBe(1);
    });

    it('fails when nothing listens', async () => {
      expect(await probe(await freePort())).toBe(1);
    });
  });
});
