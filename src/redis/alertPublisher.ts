import type { SessionAlert } from '../model/Session.js';
import type { RedisAccess } from './RedisAccess.js';
import type { RedisKeys } from './RedisKeys.js';

/** The channel an agent's alerts are published on: `{prefix}alerts:{agent_id}`. */
export function alertChannel(keys: RedisKeys, agentId: string): string {
  return keys.alerts(agentId);
}

/**
 * An alert's JSON payload, the one format subscribers read:
 * `{"agent_id","reason","drawdown","max_drawdown","current_capital","ts"}` (ts: unix seconds).
 */
export function alertPayload(alert: SessionAlert): string {
  return JSON.stringify({
    agent_id: alert.agentId,
    reason: alert.reason,
    drawdown: alert.drawdown,
    max_drawdown: alert.maxDrawdown,
    current_capital: alert.currentCapital,
    ts: alert.ts,
  });
}

/**
 * Publishes alerts with a plain Redis PUBLISH on the master (through the router): subscribers
 * connected at that moment receive it, nothing is kept. Satisfies the session service's
 * AlertPublisher port until a durable publisher replaces it.
 */
export class RedisAlertPublisher {
  constructor(
    private readonly redis: RedisAccess,
    private readonly keys: RedisKeys,
  ) {}

  async publishAlert(agentId: string, alert: SessionAlert): Promise<void> {
    const channel = alertChannel(this.keys, agentId);
    const payload = alertPayload(alert);
    await this.redis.master((redis) => redis.publish(channel, payload));
  }
}
