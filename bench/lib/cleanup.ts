/** Everything started by a run, stopped in reverse order at its end (or on a signal). */
export class Cleanup {
  private readonly tasks: { name: string; run: () => Promise<void> }[] = [];

  add(name: string, run: () => Promise<void>): void {
    this.tasks.push({ name, run });
  }

  /** Runs every task, newest first; a failing task is reported on stderr and the rest still run. */
  async runAll(): Promise<void> {
    while (this.tasks.length > 0) {
      const task = this.tasks.pop();
      if (task === undefined) break;
      try {
        await task.run();
      } catch (error) {
        process.stderr.write(`bench: stopping ${task.name} failed: ${String(error)}\n`);
      }
    }
  }
}
