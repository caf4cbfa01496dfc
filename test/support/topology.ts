import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { vi } from 'vitest';
import { freePort, RedisProcess } from '../../src/app/RedisProcess.js';

/** A master with replicas (and optionally Sentinels), all real processes on loopback. */
export class Topology {
  readonly dir = mkdtempSync(join(tmpdir(), 'mnemo-topology-'));
  master!: RedisProcess;
  replicas: RedisProcess[] = [];
  sentinels: RedisProcess[] = [];
  masterPort = 0;

  /** Starts a master (AOF on, so a restart keeps its data) and `replicas` replicas. */
  static async start(replicas: number): Promise<Topology> {
    const topology = new Topology();
    topology.masterPort = await freePort();
    topology.master = await topology.startMaster();
    for (let i = 0; i < replicas; i++) {
      topology.replicas.push(
        await RedisProcess.start({
          dataDir: join(topology.dir, `replica-${i}`),
          args: ['--replicaof', '127.0.0.1', String(topology.masterPort)],
        }),
      );
    }
    await topology.waitInSync();
    return topology;
  }

  async startMaster(): Promise<RedisProcess> {
    this.master = await RedisProcess.start({
      port: this.masterPort,
      dataDir: join(this.dir, 'master'),
    });
    return this.master;
  }

  replicaUrls(): string {
    return this.replicas.map((r) => r.url).join(',');
  }

  /** Waits until every replica's link is up and it has the master's offset. */
  async waitInSync(timeout = 15_000): Promise<void> {
    const master = new Redis(this.master.port, '127.0.0.1');
    try {
      await vi.waitFor(
        async () => {
          const offset = field(await master.info('replication'), 'master_repl_offset');
          for (const replica of this.replicas) {
            const client = new Redis(replica.port, '127.0.0.1');
            const info = await client.info('replication').finally(() => {
              client.disconnect();
            });
            if (field(info, 'master_link_status') !== 'up') throw new Error('link down');
            if (Number(field(info, 'slave_repl_offset')) < Number(offset))
              throw new Error('behind');
          }
        },
        { timeout, interval: 50 },
      );
    } finally {
      master.disconnect();
    }
  }

  /** Starts `count` Sentinels watching the master as `name` (quorum 2, fast failover). */
  async startSentinels(count: number, name = 'mymaster'): Promise<void> {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const file = join(this.dir, `sentinel-${i}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${this.dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${this.masterPort} 2`,
          // Long enough that a master slowed by a loaded machine (CI runs test files in
          // parallel) is not failed over before the test kills it.
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 4000`,
          `sentinel parallel-syncs ${name} 2`,
          '',
        ].join('\n'),
      );
      this.sentinels.push(await RedisProcess.start({ port, config: file, args: ['--sentinel'] }));
    }
  }

  sentinelList(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.sentinels, ...this.replicas, this.master].map((p) => p.stop('SIGKILL')),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function field(info: string, name: string): string | undefined {
  for (const line of info.split('\r\n')) {
    if (line.startsWith(`${name}:`)) return line.slice(name.length + 1);
  }
  return undefined;
}

/** Calls of one command on a node, from INFO commandstats. */
export async function commandCalls(port: number, command: string): Promise<number> {
  const client = new Redis(port, '127.0.0.1');
  try {
    const stats = await client.info('commandstats');
    const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats);
    return Number(match?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}
