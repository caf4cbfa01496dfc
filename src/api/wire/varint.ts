/** Protobuf varints of non-negative safe integers (up to 2⁵³), written without protobufjs. */

/** Bytes of the varint of `value`. */
export function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

/** Writes the varint of `value` into `out` at `at`; returns the offset past it. */
export function writeVarint(out: Buffer, at: number, value: number): number {
  let v = value;
  let p = at;
  while (v >= 0x80) {
    out[p++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  out[p++] = v;
  return p;
}

/** The varint of `value` as a Buffer of its own. */
export function varint(value: number): Buffer {
  const out = Buffer.allocUnsafe(varintSize(value));
  writeVarint(out, 0, value);
  return out;
}
