/** Exact money sums: amounts as integer micro-units (1e-6), summed as bigints or Redis integers. */

export const MICRO = 1_000_000n;

/** `x` rounded to the nearest micro-unit (ties away from zero), exactly. |x| < 1e21. */
export function toMicroUnits(x: number): bigint {
  return BigInt(x.toFixed(6).replace('.', ''));
}

/** Micro-units as a number: the exact decimal value rounded once to a double. */
export function fromMicroUnits(micro: bigint): number {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const text = `${negative ? '-' : ''}${abs / MICRO}.${(abs % MICRO).toString().padStart(6, '0')}`;
  return Number(text);
}
