/**
 * The k best items under a comparator (`before(a, b)`: a ranks ahead of b), kept in a bounded
 * binary heap whose root is the worst item kept.
 */
export class TopK<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly k: number,
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push(item);
      this.up(heap.length - 1);
    } else if (this.k > 0 && this.before(item, heap[0] as T)) {
      heap[0] = item;
      this.down(0);
    }
  }

  /** The worst item kept (the kth once k are kept); undefined while none is. */
  worst(): T | undefined {
    return this.heap[0];
  }

  /** The kept items, best first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[parent] as T, heap[i] as T)) break;
      [heap[parent], heap[i]] = [heap[i] as T, heap[parent] as T];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && this.before(heap[worst] as T, heap[left] as T)) worst = left;
      if (right < heap.length && this.before(heap[worst] as T, heap[right] as T)) worst = right;
      if (worst === i) return;
      [heap[worst], heap[i]] = [heap[i] as T, heap[worst] as T];
      i = worst;
    }
  }
}
