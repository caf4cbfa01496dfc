// Original file: proto/mnemo/v1/memory.proto


export interface SemanticRanking {
  'w_similarity'?: (number | string);
  'w_sharpe'?: (number | string);
  'w_win_rate'?: (number | string);
  'w_recency'?: (number | string);
  'recency_half_life_s'?: (number | string);
  '_w_similarity'?: "w_similarity";
  '_w_sharpe'?: "w_sharpe";
  '_w_win_rate'?: "w_win_rate";
  '_w_recency'?: "w_recency";
  '_recency_half_life_s'?: "recency_half_life_s";
}

export interface SemanticRanking__Output {
  'w_similarity'?: (number);
  'w_sharpe'?: (number);
  'w_win_rate'?: (number);
  'w_recency'?: (number);
  'recency_half_life_s'?: (number);
  '_w_similarity'?: "w_similarity";
  '_w_sharpe'?: "w_sharpe";
  '_w_win_rate'?: "w_win_rate";
  '_w_recency'?: "w_recency";
  '_recency_half_life_s'?: "recency_half_life_s";
}
