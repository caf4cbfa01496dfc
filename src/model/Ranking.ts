/**
 * A ranking beyond distance, kind-neutral: a memory's score is
 * `similarity · similarityWeight + Σ term.weight · normalised(term)` where similarity is
 * 1 − distance/2 and every normalised term lies in [0, 1] (docs/how-it-works.md#ranking).
 */
export interface Ranking {
  readonly similarityWeight: number;
  readonly terms: readonly RankTerm[];
  /** Whether hits carry their explanation (the terms of their score). */
  readonly explain: boolean;
}

/** One attribute term of a ranking; `name` is what explanations call it. */
export type RankTerm =
  | {
      /** The numeric field min-max normalised over the live memories (of the same `groupBy` tag). */
      readonly kind: 'minmax';
      readonly name: string;
      readonly weight: number;
      readonly field: string;
      /** A tag field whose value groups the memories normalised together; null: all of them. */
      readonly groupBy: string | null;
    }
  | {
      /** The numeric field clamped to [0, 1]. */
      readonly kind: 'clamp';
      readonly name: string;
      readonly weight: number;
      readonly field: string;
    }
  | {
      /** 0.5^(age / halfLifeS), age = nowS − the numeric field (at least 0); a field of 0 is never. */
      readonly kind: 'decay';
      readonly name: string;
      readonly weight: number;
      readonly field: string;
      readonly halfLifeS: number;
      /** The time ages count from, unix seconds (the server's clock, or a past instant). */
      readonly nowS: number;
      /** Whether a field value of 0 means "never" (term 0) rather than the epoch. */
      readonly zeroIsNever: boolean;
    }
  | {
      /** 1 when the tag field equals `value`, else 0. */
      readonly kind: 'match';
      readonly name: string;
      readonly weight: number;
      readonly field: string;
      readonly value: string;
    };

/** One term of a hit's score: contributions sum to the score. */
export interface ScoreTerm {
  name: string;
  /** The raw value (cosine similarity, the field's value, an age in seconds, 1/0 for a match). */
  value: number;
  /** The value in [0, 1], as the ranking maps it. */
  normalized: number;
  weight: number;
  /** weight × normalized. */
  contribution: number;
}

/** A ranking as a string, equal for rankings that score alike (search dedup). */
export function rankingKey(ranking: Ranking | undefined): string {
  if (ranking === undefined) return '';
  return JSON.stringify([ranking.similarityWeight, ranking.explain, ranking.terms]);
}
