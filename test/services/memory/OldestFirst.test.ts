import { describe, expect, it } from 'vitest';
import { OldestFirst } from '../../../src/services/memory/OldestFirst.js';

describe('OldestFirst', () => {
  it('gives the first entry in insertion order, whatever was deleted or added meanwhile', () => {
    const map = new Map<number, { n: number }>();
    const oldest = new OldestFirst(map);
    expect(oldest.peek()).toBeUndefined();
    // A model of insertion order beside the map, through random churn.
    const order: number[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = random();
      if (r < 0.45 || order.length === 0) {
        map.set(next, { n: next });
        order.push(next++);
      } else if (r < 0.75) {
        const [key] = oldest.peek() ?? [];
        expect(key).toBe(order[0]);
        map.delete(key as number);
        oldest.advance();
        order.shift();
      } else if (r < 0.9) {
        // Deleted anywhere, or put back at the end as a new object.
        const key = order[Math.floor(random() * order.length)] as number;
        order.splice(order.indexOf(key), 1);
        map.delete(key);
        if (r < 0.82) {
          map.set(key, { n: key });
          order.push(key);
        }
      } else {
        // Put back at the end, the same object, after advance (second chance).
        const head = oldest.peek();
        if (head === undefined) continue;
        map.delete(head[0]);
        oldest.advance();
        map.set(head[0], head[1]);
        order.push(order.shift() as number);
      }
      expect(oldest.peek()?.[0]).toBe(order[0]);
    }
  });

  it('goes on after the map was emptied or cleared', () => {
    const map = new Map<string, object>([['a', {}]]);
    const oldest = new OldestFirst(map);
    expect(oldest.peek()?.[0]).toBe('a');
    map.delete('a');
    expect(oldest.peek()).toBeUndefined();
    map.set('b', {});
    expect(oldest.peek()?.[0]).toBe('b');
    map.clear();
    map.set('c', {});
    map.set('d', {});
    expect(oldest.peek()?.[0]).toBe('c');
  });
});
