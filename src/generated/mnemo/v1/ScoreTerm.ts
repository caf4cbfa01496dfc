// Original file: proto/mnemo/v1/memory.proto


export interface ScoreTerm {
  'name'?: (string);
  'value'?: (number | string);
  'normalized'?: (number | string);
  'weight'?: (number | string);
  'contribution'?: (number | string);
}

export interface ScoreTerm__Output {
  'name': (string);
  'value': (number);
  'normalized': (number);
  'weight': (number);
  'contribution': (number);
}
