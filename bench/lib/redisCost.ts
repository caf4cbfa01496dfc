/**
 * What Redis says it spent, from INFO (stats, commandstats, cpu), for deltas over a window: the
 * commands it processed, the EXISTS among them and their time, the script calls (EVALSHA and
 * EVAL: one per round trip of the reconciliation), and its CPU.
 */
import type { Redis } from 'ioredis';

/** Counters of one moment of a Redis server (totals since its start). */
export interface RedisCounters {
  /** INFO stats total_commands_processed. */
  commands: number;
  /** INFO commandstats cmdstat_exists calls and usec (0 before the first EXISTS). */
  existsCalls: number;
  existsUsec: number;
  /** INFO commandstats cmdstat_evalsha + cmdstat_eval calls. */
  scriptCalls: number;
  /** INFO cpu used_cpu_user + used_cpu_sys, seconds. */
  cpuSeconds: number;
}

/** `field:value` lines of an INFO reply. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** The counters of an INFO reply holding the stats, commandstats and cpu sections. */
export function redisCounters(info: string): RedisCounters {
  const fields = parseInfo(info);
  const num = (name: string): number => Number(fields.get(name) ?? 0) || 0;
  // cmdstat_exists:calls=123,usec=456,usec_per_call=3.71,rejected_calls=0,failed_calls=0
  const stat = (command: string): Map<string, string> =>
    new Map(
      (fields.get(`cmdstat_${command}`) ?? '')
        .split(',')
        .filter((pair) => pair.includes('='))
        .map((pair) => pair.split('=') as [string, string]),
    );
  const exists = stat('exists');
  const calls = (command: string): number => Number(stat(command).get('calls') ?? 0) || 0;
  return {
    commands: num('total_commands_processed'),
    existsCalls: Number(exists.get('calls') ?? 0) || 0,
    existsUsec: Number(exists.get('usec') ?? 0) || 0,
    scriptCalls: calls('evalsha') + calls('eval'),
    cpuSeconds: num('used_cpu_user') + num('used_cpu_sys'),
  };
}

/** The server's counters now (one INFO all: itself one command, counted by the next one). */
export async function readCounters(redis: Redis): Promise<RedisCounters> {
  return redisCounters(await redis.info('all'));
}

/** after − before, field by field. */
export function countersDelta(before: RedisCounters, after: RedisCounters): RedisCounters {
  return {
    commands: after.commands - before.commands,
    existsCalls: after.existsCalls - before.existsCalls,
    existsUsec: after.existsUsec - before.existsUsec,
    scriptCalls: after.scriptCalls - before.scriptCalls,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
  };
}
