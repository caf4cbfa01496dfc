import type { Ranking, RankTerm, ScoreTerm } from '../model/Ranking.js';
import type { AttributeIndex } from './AttributeIndex.js';

/** A live label's score under a ranking, with its terms when the ranking explains. */
export interface LabelScore {
  score: number;
  explanation: ScoreTerm[] | null;
}

/**
 * Scores a live label at a cosine distance (docs/how-it-works.md#ranking): similarity
 * 1 − distance/2 plus each attribute term, every one weighted, the score the sum of the
 * contributions in term order (so an explanation sums to its score exactly as computed).
 */
export function scoreLabel(
  attributes: AttributeIndex,
  label: number,
  distance: number,
  ranking: Ranking,
): LabelScore {
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
  for (const term of ranking.terms) {
    const [value, normalized] = termValue(attributes, label, term);
    const contribution = term.weight * normalized;
    score += contribution;
    explanation?.push({ name: term.name, value, normalized, weight: term.weight, contribution });
  }
  return { score, explanation };
}

/** A term's raw value at a label and its normalised value in [0, 1]. */
function termValue(attributes: AttributeIndex, label: number, term: RankTerm): [number, number] {
  switch (term.kind) {
    case 'match': {
      const hit = attributes.tagAt(term.field, label) === term.value ? 1 : 0;
      return [hit, hit];
    }
    case 'clamp': {
      const value = attributes.numeric(term.field, label);
      return [value, Math.min(1, Math.max(0, value))];
    }
    case 'decay': {
      const at = attributes.numeric(term.field, label);
      if (term.zeroIsNever && at === 0) return [Infinity, 0];
      const age = Math.max(0, term.nowS - at);
      return [age, Math.pow(0.5, age / term.halfLifeS)];
    }
    case 'minmax': {
      const value = attributes.numeric(term.field, label);
      const { min, max } = attributes.extremesAt(term.field, term.groupBy, label);
      return [value, max > min ? (value - min) / (max - min) : 0.5];
    }
  }
}
