import { describe, expect, it } from 'vitest';
import { CpuSeries, processCpuSeconds } from '../../bench/lib/procCpu.js';

/** Readers of one fake process whose stat and thread sums the spec sets. */
function fakeProcess() {
  const state = { coarse: 0, fine: 0 as number | null };
  const series = new CpuSeries(
    () => state.coarse,
    () => state.fine,
    0.03,
  );
  return { state, read: () => series.seconds(1) };
}

describe('processCpuSeconds', () => {
  it("follows the live threads' run time to the nanosecond while it agrees with the stat", () => {
    const p = fakeProcess();
    p.state.coarse = 1.2;
    p.state.fine = 1.2034;
    expect(p.read()).toBe(1.2);
    p.state.coarse = 1.21;
    p.state.fine = 1.2071;
    expect(p.read()).toBeCloseTo(1.2037, 9);
  });

  it("takes the stat's change when a thread that exited took its time out of the sum", () => {
    const p = fakeProcess();
    p.state.coarse = 5;
    p.state.fine = 5;
    p.read();
    p.state.coarse = 5.1;
    p.state.fine = 4.6; // a thread with 0.5 s exited; 0.1 s was used meanwhile
    expect(p.read()).toBeCloseTo(5.1, 9);
    p.state.coarse = 5.11;
    p.state.fine = 4.6123;
    expect(p.read()).toBeCloseTo(5.1123, 9);
  });

  it('takes the stat alone while the threads cannot be read, and afresh for a new process', () => {
    const p = fakeProcess();
    p.state.coarse = 2;
    p.state.fine = null;
    expect(p.read()).toBe(2);
    p.state.coarse = 2.5;
    expect(p.read()).toBe(2.5);
    p.state.coarse = 0.01; // the pid now names another process
    p.state.fine = 0.012;
    expect(p.read()).toBe(0.01);
  });

  it('reads this process in steps finer than a clock tick', () => {
    const before = processCpuSeconds(process.pid);
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 2000) {
      // 2 ms of CPU: a fifth of a 10 ms tick
    }
    const after = processCpuSeconds(process.pid);
    expect(before).not.toBeNull();
    expect((after ?? 0) - (before ?? 0)).toBeGreaterThanOrEqual(0.0019);
    expect((after ?? 0) - (before ?? 0)).toBeLessThan(1);
  });
});
