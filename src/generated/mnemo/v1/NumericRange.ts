// Original file: proto/mnemo/v1/memory.proto


export interface NumericRange {
  'min'?: (number | string);
  'max'?: (number | string);
  'min_exclusive'?: (boolean);
  'max_exclusive'?: (boolean);
  '_min'?: "min";
  '_max'?: "max";
}

export interface NumericRange__Output {
  'min'?: (number);
  'max'?: (number);
  'min_exclusive': (boolean);
  'max_exclusive': (boolean);
  '_min'?: "min";
  '_max'?: "max";
}
