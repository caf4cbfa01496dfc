// Original file: proto/mnemo/v1/memory.proto


export interface Ranking {
  'w_similarity'?: (number | string);
  'w_outcome'?: (number | string);
  'w_recency'?: (number | string);
  'recency_half_life_s'?: (number | string);
  'w_regime'?: (number | string);
  'regime'?: (string);
  '_w_similarity'?: "w_similarity";
  '_w_outcome'?: "w_outcome";
  '_w_recency'?: "w_recency";
  '_recency_half_life_s'?: "recency_half_life_s";
  '_w_regime'?: "w_regime";
}

export interface Ranking__Output {
  'w_similarity'?: (number);
  'w_outcome'?: (number);
  'w_recency'?: (number);
  'recency_half_life_s'?: (number);
  'w_regime'?: (number);
  'regime': (string);
  '_w_similarity'?: "w_similarity";
  '_w_outcome'?: "w_outcome";
  '_w_recency'?: "w_recency";
  '_recency_half_life_s'?: "recency_half_life_s";
  '_w_regime'?: "w_regime";
}
