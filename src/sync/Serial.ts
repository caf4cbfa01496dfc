/**
 * Runs tasks one at a time, in the order given: what keeps the changes applied to the indexes
 * (change entries, rebuilds, repairs) from interleaving at their awaits.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
