import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

/** Memory figures of a process, from /proc/<pid>/status (Linux), in bytes. */
export interface ProcessMemory {
  rss: number;
  /** Peak RSS. */
  hwm: number;
}

/** The process's RSS and peak RSS; null without a pid or where /proc cannot tell. */
export function processMemory(pid: number | undefined): ProcessMemory | null {
  if (pid === undefined) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
      return match === null ? 0 : Number(match[1]) * 1024;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Redis `INFO memory` used_memory (bytes) and the number of keys. */
export async function redisMemory(url: string): Promise<{ usedMemory: number; keys: number }> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('memory');
    const used = /^used_memory:(\d+)/m.exec(info);
    const keys = await client.dbsize();
    return { usedMemory: Number(used?.[1] ?? 0), keys };
  } finally {
    client.disconnect();
  }
}
