// Original file: proto/mnemo/v1/memory.proto


export interface Vector {
  'values'?: (number | string)[];
  'f32le'?: (Buffer | Uint8Array | string);
}

export interface Vector__Output {
  'values': (number)[];
  'f32le': (Buffer);
}
