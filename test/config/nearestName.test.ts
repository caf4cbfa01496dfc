import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '../../src/config/nearestName.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['abc', 'abd', 1], // substitution
    ['abc', 'ab', 1], // deletion
    ['ab', 'abc', 1], // insertion
    ['ULR', 'URL', 1], // transposition
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment: no edit of a transposed pair
  ])('%s to %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearestName', () => {
  const known = ['MNEMO_MAX_K', 'MNEMO_MAX_BATCH', 'MNEMO_REDIS_URL'];

  it('finds the closest known name within the allowed distance', () => {
    expect(nearestName('MNEMO_MAX_KK', known, 'MNEMO_')).toBe('MNEMO_MAX_K');
    expect(nearestName('MNEMO_REDIS_ULR', known, 'MNEMO_')).toBe('MNEMO_REDIS_URL');
  });

  it('allows 1 edit up to 7 characters after the prefix, 2 up to 11, 3 beyond', () => {
    expect(nearestName('MNEMO_MAX_', known, 'MNEMO_')).toBe('MNEMO_MAX_K'); // 4, 1 edit
    expect(nearestName('MNEMO_MX_', known, 'MNEMO_')).toBeNull(); // 3, 2 edits
    expect(nearestName('MNEMO_MAX_BTC', known, 'MNEMO_')).toBeNull(); // 7, 2 edits
    expect(nearestName('MNEMO_MAX_BACTHS', known, 'MNEMO_')).toBe('MNEMO_MAX_BATCH'); // 10, 2
    expect(nearestName('MNEMO_REDIS_UXYZ', known, 'MNEMO_')).toBeNull(); // 10, 3 edits
    expect(nearestName('MNEMO_REDIS_URLS_X', known, 'MNEMO_')).toBe('MNEMO_REDIS_URL'); // 12, 3
    expect(nearestName('MNEMO_REDIS_URLS_XY', known, 'MNEMO_')).toBeNull(); // 13, 4 edits
  });

  it('gives a tie to the first known name', () => {
    expect(nearestName('AC', ['AB', 'BC'])).toBe('AB');
  });
});
