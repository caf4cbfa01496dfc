/**
 * Progress of a long command on stderr: a bar redrawn in place on a terminal, plain lines
 * (every `lineEveryMs`) otherwise, each with the count, the rate and, when the total is known,
 * the share done and the time left.
 */
export class Progress {
  private readonly started: number;
  private lastDrawn = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly label: string,
    private readonly now: () => number = Date.now,
    private readonly lineEveryMs = 5000,
  ) {
    this.started = now();
  }

  /** `count` items done; `done` of `total` units (bytes, items) when the total is known. */
  update(count: number, done?: number, total?: number): void {
    const now = this.now();
    const every = this.out.isTTY === true ? 100 : this.lineEveryMs;
    if (now - this.lastDrawn < every) return;
    this.lastDrawn = now;
    this.draw(count, done, total, false);
  }

  /** The last line, whatever the time since the previous one. */
  finish(count: number): void {
    this.draw(count, 1, 1, true);
  }

  private draw(count: number, done: number | undefined, total: number | undefined, last: boolean) {
    const seconds = Math.max((this.now() - this.started) / 1000, 1e-3);
    const rate = count / seconds;
    let text = `${this.label} ${count.toLocaleString('en-US')} (${Math.round(rate).toLocaleString('en-US')}/s`;
    if (done !== undefined && total !== undefined && total > 0) {
      const share = Math.min(done / total, 1);
      const left = share > 0 ? (seconds * (1 - share)) / share : NaN;
      text += `, ${(share * 100).toFixed(1)}%, ETA ${duration(left)}`;
      if (this.out.isTTY === true) text = `${bar(share)} ${text}`;
    }
    text += last ? `, done in ${duration(seconds)})` : ')';
    if (this.out.isTTY === true) this.out.write(`\r\x1b[K${text}${last ? '\n' : ''}`);
    else this.out.write(`${text}\n`);
  }
}

function bar(share: number): string {
  const width = 24;
  const full = Math.round(share * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
