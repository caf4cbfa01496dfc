import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../src/api/middleware/logThrottle.js';

describe('LogThrottle', () => {
  it('logs one event per key and window, then says how many it did not log', () => {
    let now = 0;
    const throttle = new LogThrottle(1000, 10, () => now);
    expect(throttle.admit('a')).toBe(0);
    expect(throttle.admit('a')).toBeNull();
    expect(throttle.admit('a')).toBeNull();
    expect(throttle.admit('b')).toBe(0);
    now = 999;
    expect(throttle.admit('a')).toBeNull();
    now = 1000;
    expect(throttle.admit('a')).toBe(3);
    expect(throttle.admit('a')).toBeNull();
  });

  it('remembers at most maxKeys keys', () => {
    const throttle = new LogThrottle(1000, 3, () => 0);
    for (const key of ['a', 'b', 'c']) expect(throttle.admit(key)).toBe(0);
    expect(throttle.admit('d')).toBe(0);
    // The memory was cleared to make room: 'a' logs again.
    expect(throttle.admit('a')).toBe(0);
  });
});
