import type { Ranking, RankTerm, ScoreTerm } from '../model/Ranking.js';
import type { AttributeIndex } from './AttributeIndex.js';
import type { Extremes } from './GroupExtremes.js';

/** A live label's score under a ranking, with its terms when the ranking explains. */
export interface LabelScore {
  score: number;
  explanation: ScoreTerm[] | null;
}

/** A ranking bound to an index's columns as they are now: use it before the index changes. */
export interface Scorer {
  /** The score at a cosine distance (docs/how-it-works.md#ranking). */
  score(label: number, distance: number): LabelScore;
  /** The attribute terms' part of the score (all but similarity). */
  attributeScore(label: number): number;
  /** An upper bound of attributeScore over every live memory (at most the weights' sum). */
  readonly maxAttributeScore: number;
}

/** A term bound to the columns: its raw value at a label, and that value in [0, 1]. */
interface BoundTerm {
  readonly term: RankTerm;
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
export function compileRanking(attributes: AttributeIndex, ranking: Ranking): Scorer {
  const terms = ranking.terms.map((term) => bind(attributes, term));
  let maxAttributeScore = 0;
  for (const bound of terms) maxAttributeScore += bound.term.weight * bound.max;
  return {
    maxAttributeScore,
    score(label, distance) {
      const similarity = 1 - distance / 2;
      let score = ranking.similarityWeight * similarity;
      const explanation: ScoreTerm[] | null = ranking.explain
        ? [
            {
              name: 'similarity',
              value: 1 - distance,
              normalized: similarity,
              weight: ranking.similarityWeight,
              contribution: score,
            },
          ]
        : null;
      for (const bound of terms) {
        const { name, weight } = bound.term;
        const normalized = bound.normalized(label);
        const contribution = weight * normalized;
        score += contribution;
        explanation?.push({ name, value: bound.value(label), normalized, weight, contribution });
      }
      return { score, explanation };
    },
    attributeScore(label) {
      let score = 0;
      for (const bound of terms) score += bound.term.weight * bound.normalized(label);
      return score;
    },
  };
}

function bind(attributes: AttributeIndex, term: RankTerm): BoundTerm {
  switch (term.kind) {
    case 'match': {
      const column = attributes.tagColumn(term.field);
      const code = attributes.tagCode(term.field, term.value);
      const hit = (label: number): number => (code !== 0 && column[label] === code ? 1 : 0);
      return { term, max: code === 0 ? 0 : 1, value: hit, normalized: hit };
    }
    case 'clamp': {
      const column = attributes.numericColumn(term.field);
      const highest = attributes.size === 0 ? 0 : attributes.extremesAt(term.field, null, 0).max;
      return {
        term,
        max: Math.min(1, Math.max(0, highest)),
        value: (label) => column[label] ?? 0,
        normalized: (label) => Math.min(1, Math.max(0, column[label] ?? 0)),
      };
    }
    case 'decay': {
      const column = attributes.numericColumn(term.field);
      const { nowS, halfLifeS, zeroIsNever } = term;
      const never = (at: number): boolean => zeroIsNever && at === 0;
      // The newest memory's recency bounds every one's (0.5^x falls with the age).
      const newest = attributes.size === 0 ? nowS : attributes.extremesAt(term.field, null, 0).max;
      return {
        term,
        max: Math.pow(0.5, Math.max(0, nowS - newest) / halfLifeS),
        value: (label) => {
          const at = column[label] ?? 0;
          return never(at) ? Infinity : Math.max(0, nowS - at);
        },
        normalized: (label) => {
          const at = column[label] ?? 0;
          return never(at) ? 0 : Math.pow(0.5, Math.max(0, nowS - at) / halfLifeS);
        },
      };
    }
    case 'minmax': {
      const column = attributes.numericColumn(term.field);
      const groups = term.groupBy === null ? null : attributes.tagColumn(term.groupBy);
      const known = new Map<number, Extremes>();
      const extremesAt = (label: number): Extremes => {
        const group = groups === null ? 0 : (groups[label] ?? 0);
        let extremes = known.get(group);
        if (extremes === undefined) {
          extremes = { ...attributes.extremesAt(term.field, term.groupBy, label) };
          known.set(group, extremes);
        }
        return extremes;
      };
      return {
        term,
        max: 1,
        value: (label) => column[label] ?? 0,
        normalized: (label) => {
          const { min, max } = extremesAt(label);
          return max > min ? ((column[label] ?? 0) - min) / (max - min) : 0.5;
        },
      };
    }
  }
}
