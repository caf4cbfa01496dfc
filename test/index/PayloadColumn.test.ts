import { describe, expect, it } from 'vitest';
import { PayloadColumn } from '../../src/index/PayloadColumn.js';

const bytes = (text: string): Buffer => Buffer.from(text);

describe('PayloadColumn', () => {
  it('holds payloads up to its limit, empty ones included, and no larger one', () => {
    const column = new PayloadColumn(8);
    column.set(0, bytes('12345678'));
    column.set(1, bytes(''));
    column.set(2, bytes('123456789'));
    expect(column.get(0)?.toString()).toBe('12345678');
    expect(column.get(1)?.length).toBe(0);
    expect(column.get(2)).toBeUndefined();
    expect(column.get(3)).toBeUndefined();
    expect(column.get(10_000)).toBeUndefined();
  });

  it('holds nothing at a limit of 0', () => {
    const column = new PayloadColumn(0);
    column.set(0, bytes(''));
    expect(column.get(0)).toBeUndefined();
  });

  it('hands out copies, never views of what it holds', () => {
    const column = new PayloadColumn(8);
    const source = bytes('abc');
    column.set(0, source);
    source[0] = 0x7a;
    const first = column.get(0) as Buffer;
    first[1] = 0x7a;
    expect(column.get(0)?.toString()).toBe('abc');
  });

  it('forgets a payload replaced by one above the limit, and a forgotten one', () => {
    const column = new PayloadColumn(4);
    column.set(0, bytes('ab'));
    column.set(0, bytes('abcdef'));
    expect(column.get(0)).toBeUndefined();
    column.set(1, bytes('cd'));
    column.forget(1);
    expect(column.get(1)).toBeUndefined();
  });

  it('keeps every live payload intact while it reclaims the space of replaced ones', () => {
    const column = new PayloadColumn(64);
    const expected = new Map<number, string>();
    for (let round = 0; round < 200; round++) {
      for (let label = 0; label < 500; label++) {
        if ((label + round) % 7 === 0) {
          column.forget(label);
          expected.delete(label);
        } else if ((label * 31 + round) % 3 === 0) {
          const text = `${label}:${round}:${'x'.repeat((label + round) % 40)}`;
          column.set(label, bytes(text));
          expected.set(label, text);
        }
      }
    }
    for (let label = 0; label < 500; label++) {
      expect(column.get(label)?.toString()).toBe(expected.get(label));
    }
    // Dead bytes were reclaimed: the arena holds about what is live, not 200 rounds of writes.
    const live = [...expected.values()].reduce((sum, text) => sum + text.length, 0);
    expect(column.arenaBytes).toBeLessThanOrEqual(2 * live + (1 << 16));
  });

  it('gives back what it held through a snapshot, less what a lower limit leaves out', () => {
    const column = new PayloadColumn(16);
    column.set(0, bytes('kept'));
    column.set(1, bytes('replaced'));
    column.set(1, bytes('longer payload'));
    column.set(2, bytes(''));
    column.set(3, bytes('gone'));
    column.forget(3);
    const saved = structuredClone(column.toSnapshot());
    const same = PayloadColumn.fromSnapshot(saved, 16);
    expect([0, 1, 2, 3].map((l) => same.get(l)?.toString())).toEqual([
      'kept',
      'longer payload',
      '',
      undefined,
    ]);
    const lower = PayloadColumn.fromSnapshot(saved, 4);
    expect([0, 1, 2].map((l) => lower.get(l)?.toString())).toEqual(['kept', undefined, '']);
    expect(PayloadColumn.fromSnapshot(undefined, 16).get(0)).toBeUndefined();
  });
});
