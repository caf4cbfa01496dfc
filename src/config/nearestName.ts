/**
 * The edit distance of `a` and `b` counting an insertion, a deletion, a substitution or the
 * transposition of two adjacent characters as one edit (optimal string alignment, a restricted
 * Damerau-Levenshtein distance): `MNEMO_REDIS_ULR` is 1 from `MNEMO_REDIS_URL`.
 */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance of a's first i characters and b's first j.
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const above = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/**
 * The known name closest to `name`, or null when none is close enough to be a likely misspelling:
 * 1 edit for a name of up to 7 characters after `prefix`, 2 up to 11, 3 beyond. Ties go to the
 * first in `known`.
 */
export function nearestName(name: string, known: Iterable<string>, prefix = ''): string | null {
  const length = name.startsWith(prefix) ? name.length - prefix.length : name.length;
  const allowed = Math.max(1, Math.min(3, Math.floor(length / 4)));
  let best: string | null = null;
  let bestDistance = allowed + 1;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
