// bfloat16 is the top half of a float32. It travels as float32, so "encoding" it means rounding
// float32 bits to the nearest bfloat16 (ties to even) and zeroing the low 16 bits.

/** Rounds float32 bits to bfloat16 precision; NaN keeps its top payload bits and stays NaN. */
export function roundFloat32BitsToBfloat16(bits: number): number {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    const truncated = bits & 0xffff0000;
    // Truncating a NaN whose payload sits in the low bits would make it Infinity: set quiet.
    return ((truncated & 0x7fffff) === 0 ? truncated | 0x400000 : truncated) >>> 0;
  }
  // Adding 0x7fff plus the lowest kept bit rounds half to even; a carry into the exponent gives
  // the next binade or ±Infinity, which is what rounding means there.
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) & 0xffff0000) >>> 0;
}

/** True when every value already has bfloat16 precision (all low halves zero). */
export function isBfloat16Exact(bits: Uint32Array): boolean {
  for (let i = 0; i < bits.length; i++) {
    if (((bits[i] ?? 0) & 0xffff) !== 0) return false;
  }
  return true;
}

/** Writes the bfloat16-rounded bits of `from` into `to` (which may be the same array). */
export function roundToBfloat16(from: Uint32Array, to: Uint32Array): void {
  for (let i = 0; i < from.length; i++) to[i] = roundFloat32BitsToBfloat16(from[i] ?? 0);
}
