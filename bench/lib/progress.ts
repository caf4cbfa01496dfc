import { performance } from 'node:perf_hooks';

/**
 * A progress bar on stderr: redrawn in place (at most 5 times a second) on a terminal, one line
 * per 10% otherwise (logs, CI), nothing when quiet.
 */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastDecile = -1;
  private readonly tty = process.stderr.isTTY;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly quiet = false,
  ) {}

  update(done: number): void {
    if (this.quiet || this.total <= 0) return;
    const now = performance.now();
    const fraction = Math.min(1, done / this.total);
    const rate = done / Math.max(1e-3, (now - this.started) / 1000);
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const text = `${this.label} ${done}/${this.total} ${(100 * fraction).toFixed(0)}% ${rate.toFixed(0)}/s ETA ${eta.toFixed(0)} s`;
    if (this.tty) {
      if (now - this.lastDraw < 200 && done < this.total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(fraction * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile === this.lastDecile) return;
      this.lastDecile = decile;
      process.stderr.write(`${text}\n`);
    }
  }

  done(): void {
    if (!this.quiet && this.tty) process.stderr.write('\n');
  }
}

/** A one-line status message on stderr (not part of the results on stdout). */
export function status(message: string, quiet = false): void {
  if (!quiet) process.stderr.write(`bench: ${message}\n`);
}
