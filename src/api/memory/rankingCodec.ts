import type { Ranking__Output } from '../../generated/mnemo/v1/Ranking.js';
import type { ScoreTerm as ScoreTermMessage } from '../../generated/mnemo/v1/ScoreTerm.js';
import type { SemanticRanking__Output } from '../../generated/mnemo/v1/SemanticRanking.js';
import { invalidArgument, quote } from '../../model/errors.js';
import type { Ranking, RankTerm, ScoreTerm } from '../../model/Ranking.js';
import type { SearchHit } from '../../services/memory/MemoryService.js';

/** The server's default weights and half-life of ranked searches (MNEMO_RANKING_*). */
export interface RankingDefaults {
  rankingWSimilarity: number;
  rankingWOutcome: number;
  rankingWRecency: number;
  rankingRecencyHalfLifeS: number;
  rankingWRegime: number;
  rankingWSharpe: number;
  rankingWWinRate: number;
}

const MAX_REGIME_BYTES = 1024;

/** A weight: the query's when set (finite, at least 0), else the default. */
function weight(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw invalidArgument(field, `must be a finite number at least 0, got ${quote(value)}`);
  }
  return value;
}

/** The half-life of recency: positive and finite when recency counts. */
function halfLife(field: string, value: number | undefined, fallback: number, used: boolean) {
  if (value === undefined) return fallback;
  if (Number.isNaN(value) || value === Infinity || (used && !(value > 0))) {
    throw invalidArgument(field, `must be a finite number above 0, got ${quote(value)}`);
  }
  return value;
}

/** A ranking with at least one positive weight, terms of weight 0 left out. */
function ranking(field: string, similarityWeight: number, terms: RankTerm[], explain: boolean) {
  const kept = terms.filter((t) => t.weight > 0);
  if (similarityWeight === 0 && kept.length === 0) {
    throw invalidArgument(field, 'needs at least one positive weight');
  }
  return { similarityWeight, terms: kept, explain };
}

/** `explain` asks for the terms of a ranking: without one it is refused. */
function checkExplain(path: string, explain: boolean, ranked: boolean): void {
  if (explain && !ranked) throw invalidArgument(`${path}explain`, 'needs ranking');
}

/**
 * The ranking of an episodic search (proto Ranking), unset weights from the defaults; recency
 * counts ages from `nowS` (unix seconds). Undefined without one.
 */
export function decodeEpisodicRanking(
  path: string,
  message: Ranking__Output | null,
  explain: boolean,
  defaults: RankingDefaults,
  nowS: number,
): Ranking | undefined {
  checkExplain(path, explain, message !== null);
  if (message === null) return undefined;
  const at = `${path}ranking`;
  const wRecency = weight(`${at}.w_recency`, message.w_recency, defaults.rankingWRecency);
  const halfLifeS = halfLife(
    `${at}.recency_half_life_s`,
    message.recency_half_life_s,
    defaults.rankingRecencyHalfLifeS,
    wRecency > 0,
  );
  if (Buffer.byteLength(message.regime) > MAX_REGIME_BYTES) {
    throw invalidArgument(`${at}.regime`, `is longer than ${MAX_REGIME_BYTES} bytes`);
  }
  const terms: RankTerm[] = [
    {
      kind: 'minmax',
      name: 'outcome',
      weight: weight(`${at}.w_outcome`, message.w_outcome, defaults.rankingWOutcome),
      field: 'reward',
      groupBy: 'agent_id',
    },
    {
      kind: 'decay',
      name: 'recency',
      weight: wRecency,
      field: 'timestamp',
      halfLifeS,
      nowS,
      zeroIsNever: false,
    },
  ];
  const wRegime = weight(`${at}.w_regime`, message.w_regime, defaults.rankingWRegime);
  if (message.regime !== '') {
    terms.push({
      kind: 'match',
      name: 'regime',
      weight: wRegime,
      field: 'regime',
      value: message.regime,
    });
  }
  const wSimilarity = weight(
    `${at}.w_similarity`,
    message.w_similarity,
    defaults.rankingWSimilarity,
  );
  return ranking(at, wSimilarity, terms, explain);
}

/** The ranking of a semantic search (proto SemanticRanking); see decodeEpisodicRanking. */
export function decodeSemanticRanking(
  message: SemanticRanking__Output | null,
  explain: boolean,
  defaults: RankingDefaults,
  nowS: number,
): Ranking | undefined {
  checkExplain('', explain, message !== null);
  if (message === null) return undefined;
  const at = 'ranking';
  const wRecency = weight(`${at}.w_recency`, message.w_recency, defaults.rankingWRecency);
  const halfLifeS = halfLife(
    `${at}.recency_half_life_s`,
    message.recency_half_life_s,
    defaults.rankingRecencyHalfLifeS,
    wRecency > 0,
  );
  const terms: RankTerm[] = [
    {
      kind: 'minmax',
      name: 'sharpe',
      weight: weight(`${at}.w_sharpe`, message.w_sharpe, defaults.rankingWSharpe),
      field: 'sharpe_ratio',
      groupBy: null,
    },
    {
      kind: 'clamp',
      name: 'win_rate',
      weight: weight(`${at}.w_win_rate`, message.w_win_rate, defaults.rankingWWinRate),
      field: 'win_rate',
    },
    {
      kind: 'decay',
      name: 'recency',
      weight: wRecency,
      field: 'last_accessed',
      halfLifeS,
      nowS,
      zeroIsNever: true,
    },
  ];
  const wSimilarity = weight(
    `${at}.w_similarity`,
    message.w_similarity,
    defaults.rankingWSimilarity,
  );
  return ranking(at, wSimilarity, terms, explain);
}

/** The score fields of a hit message: the score of a ranked hit and its explanation if any. */
export function encodeScore(hit: SearchHit): { score: number; explanation: ScoreTermMessage[] } {
  return {
    score: hit.score ?? 0,
    explanation: (hit.explanation ?? []).map((term: ScoreTerm) => ({ ...term })),
  };
}
