/** The smallest and largest value of a numeric field over a group of memories. */
export interface Extremes {
  min: number;
  max: number;
}

/**
 * Min and max of one numeric field per group of labels (a tag value code; 0 for "all"), computed
 * on first use and kept exact as memories change: a value entering a group widens its extremes,
 * and a value leaving it forgets them only when it was one of them (recomputed on next use).
 */
export class GroupExtremes {
  private readonly groups = new Map<number, Extremes>();

  /** The extremes of a group, computed by `compute` when not known. */
  of(group: number, compute: () => Extremes): Extremes {
    let extremes = this.groups.get(group);
    if (extremes === undefined) {
      extremes = compute();
      this.groups.set(group, extremes);
    }
    return extremes;
  }

  entering(group: number, value: number): void {
    const extremes = this.groups.get(group);
    if (extremes === undefined) return;
    if (value < extremes.min) extremes.min = value;
    if (value > extremes.max) extremes.max = value;
  }

  leaving(group: number, value: number): void {
    const extremes = this.groups.get(group);
    if (extremes !== undefined && (value <= extremes.min || value >= extremes.max)) {
      this.groups.delete(group);
    }
  }
}
