/**
 * At most one log line per key per `windowMs`: a flood of alike events (a client retrying with a
 * bad token) logs one line a second, each saying how many were not logged since. At most
 * `maxKeys` keys are remembered; beyond, the memory is cleared (a burst of distinct keys logs
 * each once more, never grows without bound).
 */
export class LogThrottle {
  private readonly windows = new Map<string, { until: number; suppressed: number }>();

  constructor(
    private readonly windowMs = 1000,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Null when this event is not to be logged; else how many alike were not logged before it. */
  admit(key: string): number | null {
    const now = this.now();
    const window = this.windows.get(key);
    if (window !== undefined && now < window.until) {
      window.suppressed += 1;
      return null;
    }
    if (this.windows.size >= this.maxKeys) this.windows.clear();
    this.windows.set(key, { until: now + this.windowMs, suppressed: 0 });
    return window?.suppressed ?? 0;
  }
}
