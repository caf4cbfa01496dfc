import type { Redis } from 'ioredis';
import type { MemoryKind } from '../model/MemoryRecord.js';
import type { RedisKeys } from './RedisKeys.js';

/** The key events that remove a key: DEL/UNLINK, expiry, eviction under maxmemory. */
export const REMOVAL_EVENTS = ['del', 'expired', 'evicted'] as const;

/** Which of the removal events `notify-keyspace-events` publishes (E with g, x, e; A = all). */
export function removalEventsPublished(setting: string): string[] {
  if (!setting.includes('E')) return [];
  const all = setting.includes('A');
  const flags: Record<(typeof REMOVAL_EVENTS)[number], string> = {
    del: 'g',
    expired: 'x',
    evicted: 'e',
  };
  return REMOVAL_EVENTS.filter((event) => all || setting.includes(flags[event]));
}

/** The master's `notify-keyspace-events`, or null when CONFIG is refused (e.g. renamed). */
export async function keyspaceEventsSetting(redis: Redis): Promise<string | null> {
  try {
    const reply = await redis.config('GET', 'notify-keyspace-events');
    return reply[1] ?? '';
  } catch {
    return null;
  }
}

/**
 * Subscribes `subscriber` (a connection of its own, in subscriber mode from now on) to the
 * removal events of its database and calls `removed` for every memory hash removed: by DEL
 * (mnemo's own deletes too), by expiry or by eviction. Redis publishes them only where
 * `notify-keyspace-events` enables them; a reconnect re-subscribes. Returns the unsubscriber.
 */
export async function followMemoryRemovals(
  subscriber: Redis,
  keys: RedisKeys,
  removed: (kind: MemoryKind, id: string) => void,
): Promise<() => Promise<void>> {
  const db = subscriber.options.db ?? 0;
  const channels = REMOVAL_EVENTS.map((event) => `__keyevent@${db}__:${event}`);
  const onMessage = (channel: string, key: string): void => {
    if (!channels.includes(channel)) return;
    const memory = keys.memoryOf(key);
    if (memory !== null) removed(memory.kind, memory.id);
  };
  subscriber.on('message', onMessage);
  await subscriber.subscribe(...channels);
  return async () => {
    subscriber.off('message', onMessage);
    await subscriber.unsubscribe(...channels).catch(() => undefined);
  };
}
