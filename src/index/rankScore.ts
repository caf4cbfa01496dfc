import type { Ranking, RankTerm, ScoreTerm } from '../model/Ranking.js';
import type { AttributeIndex } from './AttributeIndex.js';
import type { Extremes } from './GroupExtremes.js';

/** A ranking bound to an index's columns as they are now: use it before the index changes. */
export interface Scorer {
  /** The score at a cosine distance (docs/how-it-works.md#ranking). */
  scoreOf(label: number, distance: number): number;
  /** The terms of scoreOf(label, distance): their contributions, summed in order, are it. */
  explain(label: number, distance: number): ScoreTerm[];
  /**
   * The attribute terms' part of the score (all but similarity); -Infinity as soon as the terms
   * it has summed, plus the most the others can add, fall below `atLeast` (cheapest terms first,
   * so most memories that cannot reach it cost a column read or two).
   */
  attributeScore(label: number, atLeast?: number): number;
  /** An upper bound of attributeScore over every live memory (at most the weights' sum). */
  readonly maxAttributeScore: number;
}

/**
 * What a ranking as of a past time reads of the outcome fields instead of their columns (which
 * hold the present): a term on one of them scores each memory by the value known then, and
 * normalises over the memories that existed then with a value known then.
 */
export interface OutcomesAsOf {
  /** The outcome fields (MemorySchema.outcome.fields). */
  readonly fields: readonly string[];
  /** Whether the label's memory existed then (its time at most the as-of). */
  existed(label: number): boolean;
  /** A reader of an outcome field's value known then; undefined while it was pending. */
  reader(field: string): (label: number) => number | undefined;
  /**
   * The groups' extremes as of then, by `field|groupBy|group`: filled by the scorers of one
   * search and shared between them (each group is passed over once per search).
   */
  readonly extremes: Map<string, Extremes>;
}

/**
 * A pending outcome's normalised value: the middle of the range, as for a group whose memories
 * all share one value. It is not ranked by the outcome it will have, nor for not having it yet.
 */
export const PENDING_NORMALIZED = 0.5;

/** A term bound to the columns: its raw value at a label, and that value in [0, 1]. */
interface BoundTerm {
  readonly term: RankTerm;
  /** Relative cost of `normalized` (attributeScore evaluates the cheapest first). */
  readonly cost: number;
  /** An upper bound of `normalized` over every live memory. */
  readonly max: number;
  value(label: number): number;
  normalized(label: number): number;
}

/**
 * Binds a ranking to the attribute columns: similarity 1 − distance/2 plus each attribute term,
 * every one weighted, the score the sum of the contributions in term order (so an explanation
 * sums to its score exactly as computed).
 */
export function compileRanking(
  attributes: AttributeIndex,
  ranking: Ranking,
  outcomes?: OutcomesAsOf,
): Scorer {
  const terms = ranking.terms.map((term) => bind(attributes, term, outcomes));
  const cheapFirst = [...terms].sort((a, b) => a.cost - b.cost);
  // The most the terms from the ith (cheapest first) on can add.
  const rest = new Float64Array(cheapFirst.length + 1);
  for (let i = cheapFirst.length - 1; i >= 0; i--) {
    const bound = cheapFirst[i] as BoundTerm;
    rest[i] = (rest[i + 1] ?? 0) + bound.term.weight * bound.max;
  }
  const maxAttributeScore = rest[0] ?? 0;
  return {
    maxAttributeScore,
    scoreOf(label, distance) {
      let score = ranking.similarityWeight * (1 - distance / 2);
      for (const bound of terms) score += bound.term.weight * bound.normalized(label);
      return score;
    },
    explain(label, distance) {
      const similarity = 1 - distance / 2;
      const { similarityWeight } = ranking;
      const explanation: ScoreTerm[] = [
        {
          name: 'similarity',
          value: 1 - distance,
          normalized: similarity,
          weight: similarityWeight,
          contribution: similarityWeight * similarity,
        },
      ];
      for (const bound of terms) {
        const { name, weight } = bound.term;
        const normalized = bound.normalized(label);
        const contribution = weight * normalized;
        explanation.push({ name, value: bound.value(label), normalized, weight, contribution });
      }
      return explanation;
    },
    attributeScore(label, atLeast = -Infinity) {
      let score = 0;
      for (let i = 0; i < cheapFirst.length; i++) {
        if (score + (rest[i] ?? 0) < atLeast) return -Infinity;
        const bound = cheapFirst[i] as BoundTerm;
        score += bound.term.weight * bound.normalized(label);
      }
      return score;
    },
  };
}

function bind(attributes: AttributeIndex, term: RankTerm, outcomes?: OutcomesAsOf): BoundTerm {
  switch (term.kind) {
    case 'match': {
      const column = attributes.tagColumn(term.field);
      const code = attributes.tagCode(term.field, term.value);
      const hit = (label: number): number => (code !== 0 && column[label] === code ? 1 : 0);
      return { term, cost: 1, max: code === 0 ? 0 : 1, value: hit, normalized: hit };
    }
    case 'clamp': {
      const column = attributes.numericColumn(term.field);
      const highest = attributes.size === 0 ? 0 : attributes.extremesAt(term.field, null, 0).max;
      return {
        term,
        cost: 1,
        max: Math.min(1, Math.max(0, highest)),
        value: (label) => column[label] ?? 0,
        normalized: (label) => Math.min(1, Math.max(0, column[label] ?? 0)),
      };
    }
    case 'decay': {
      const column = attributes.numericColumn(term.field);
      const { nowS, halfLifeS, zeroIsNever } = term;
      const never = (at: number): boolean => zeroIsNever && at === 0;
      // 0.5^(age / halfLifeS) as e^(−age · ln 2 / halfLifeS): the same function of the age,
      // at a fifth of Math.pow's cost (this term is computed for every memory a ranking scans).
      const rate = Math.LN2 / halfLifeS;
      const recency = (at: number): number => Math.exp(-Math.max(0, nowS - at) * rate);
      // The newest memory's recency bounds every one's (it falls with the age).
      const newest = attributes.size === 0 ? nowS : attributes.extremesAt(term.field, null, 0).max;
      return {
        term,
        cost: 3,
        max: recency(newest),
        value: (label) => {
          const at = column[label] ?? 0;
          return never(at) ? Infinity : Math.max(0, nowS - at);
        },
        normalized: (label) => {
          const at = column[label] ?? 0;
          return never(at) ? 0 : recency(at);
        },
      };
    }
    case 'minmax':
      return outcomes?.fields.includes(term.field) === true
        ? bindMinMaxAsOf(attributes, term, outcomes)
        : bindMinMax(attributes, term);
  }
}

type MinMaxTerm = Extract<RankTerm, { kind: 'minmax' }>;

/** A min-max term over the present values (the columns), extremes kept by the index. */
function bindMinMax(attributes: AttributeIndex, term: MinMaxTerm): BoundTerm {
  const column = attributes.numericColumn(term.field);
  const extremesAt = perGroup(attributes, term, (label) =>
    attributes.extremesAt(term.field, term.groupBy, label),
  );
  return {
    term,
    cost: 2,
    max: 1,
    value: (label) => column[label] ?? 0,
    normalized: (label) => scaled(column[label] ?? 0, extremesAt(label)),
  };
}

/**
 * A min-max term over an outcome field as of a past time: each memory's value known then (a
 * pending one: PENDING_NORMALIZED, its value NaN), normalised over the values its group had
 * then, found by a pass over the group.
 */
function bindMinMaxAsOf(
  attributes: AttributeIndex,
  term: MinMaxTerm,
  outcomes: OutcomesAsOf,
): BoundTerm {
  const valueAt = outcomes.reader(term.field);
  const extremesAt = perGroup(attributes, term, (label, group) => {
    const key = `${term.field}|${term.groupBy ?? ''}|${group}`;
    const memo = outcomes.extremes.get(key);
    if (memo !== undefined) return memo;
    const extremes = { min: Infinity, max: -Infinity };
    outcomes.extremes.set(key, extremes);
    attributes.forEachInGroupOf(term.groupBy, label, (member) => {
      if (!outcomes.existed(member)) return;
      const value = valueAt(member);
      if (value === undefined) return;
      if (value < extremes.min) extremes.min = value;
      if (value > extremes.max) extremes.max = value;
    });
    return extremes;
  });
  return {
    term,
    cost: 4,
    max: 1,
    value: (label) => valueAt(label) ?? Number.NaN,
    normalized: (label) => {
      const value = valueAt(label);
      return value === undefined ? PENDING_NORMALIZED : scaled(value, extremesAt(label));
    },
  };
}

/** A group's extremes by label, each group's computed once (a copy: the scorer's, as it was). */
function perGroup(
  attributes: AttributeIndex,
  term: MinMaxTerm,
  compute: (label: number, group: number) => Extremes,
): (label: number) => Extremes {
  const groups = term.groupBy === null ? null : attributes.tagColumn(term.groupBy);
  const known = new Map<number, Extremes>();
  // Memories in a filter mostly share a group (an agent's): the last one answers at once.
  let lastGroup = -1;
  let last: Extremes = { min: 0, max: 0 };
  return (label) => {
    const group = groups === null ? 0 : (groups[label] ?? 0);
    if (group === lastGroup) return last;
    let extremes = known.get(group);
    if (extremes === undefined) {
      extremes = { ...compute(label, group) };
      known.set(group, extremes);
    }
    lastGroup = group;
    last = extremes;
    return extremes;
  };
}

/** A value min-max normalised into [0, 1]; the middle when the group holds one value. */
function scaled(value: number, { min, max }: Extremes): number {
  return max > min ? (value - min) / (max - min) : 0.5;
}
