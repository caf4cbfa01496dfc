/**
 * The oldest entry of a Map (its first in insertion order) for a map used as a queue: entries
 * leave at the front and come in at the back. V8 keeps a deleted entry's slot until the map is
 * rehashed, and a new iterator skips every such slot before the first live entry, so asking a
 * churning map for its first entry with a fresh iterator (`for (const e of map) return e`) costs
 * more the longer the map has churned since its last rehash. This keeps one iterator, which goes
 * on where it stopped. Values must be objects, and a value put back is a new object or comes
 * after `advance` (a kept head is checked by identity).
 */
export class OldestFirst<K, V extends object> {
  #iterator: MapIterator<[K, V]>;
  #head: [K, V] | undefined;

  constructor(private readonly map: Map<K, V>) {
    this.#iterator = map.entries();
  }

  /** The oldest entry still in the map, or undefined when it is empty. */
  peek(): [K, V] | undefined {
    let restarted = false;
    for (;;) {
      const head = this.#head;
      if (head !== undefined && this.map.get(head[0]) === head[1]) return head;
      const next = this.#iterator.next();
      if (!next.done) {
        this.#head = next.value;
        continue;
      }
      // Done: past every entry, so any still in the map came after (or the map was cleared).
      this.#head = undefined;
      if (restarted || this.map.size === 0) return undefined;
      this.#iterator = this.map.entries();
      restarted = true;
    }
  }

  /** Moves past the entry `peek` gave (the caller removed it, or put it back at the end). */
  advance(): void {
    this.#head = undefined;
  }
}
