import type { Redis } from 'ioredis';

/**
 * How storage reaches Redis: every call goes through one router, which owns the nodes, their
 * circuit breakers and the choice of node.
 */
export interface RedisAccess {
  /** Runs an operation on the master (writes, and reads that must see the latest state). */
  master<T>(operation: (redis: Redis) => Promise<T>): Promise<T>;
  /**
   * Runs a read on a replica (round-robin over the healthy ones, the master when none is), and
   * once more on another node if it fails, while `deadlineMs` (epoch ms) allows.
   */
  read<T>(operation: (redis: Redis) => Promise<T>, deadlineMs?: number): Promise<T>;
  /** Runs a write on a connection of its own and waits for the configured replicas to ack it. */
  replicatedWrite<T>(operation: (redis: Redis) => Promise<T>): Promise<T>;
}
