import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { unavailable } from '../../model/errors.js';
import type { IndexFollower } from './types.js';

/**
 * Names this instance's writes (a token per write, which the change entry carries) and waits for
 * each to reach the local index, so that a caller reads its own writes.
 */
export class WriteTracker {
  private readonly instance = randomUUID().slice(0, 8);
  private sequence = 0;

  constructor(
    readonly follower: IndexFollower,
    private readonly log: Logger,
    /** How long a write waits for its change to reach the local index. */
    private readonly applyTimeoutMs: number,
  ) {}

  token(): string {
    return `${this.instance}:${++this.sequence}`;
  }

  /** Waits until the local index has applied a change entry; UNAVAILABLE past the timeout. */
  async settle(streamId: string): Promise<void> {
    const applied = await this.follower.waitFor(streamId, this.applyTimeoutMs);
    if (!applied) {
      this.log.warn({ streamId }, 'write stored but not yet applied to the local index');
      throw unavailable('the write was stored but the index is lagging; retry reads shortly');
    }
  }
}
