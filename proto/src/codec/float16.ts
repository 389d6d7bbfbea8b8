// IEEE 754 binary16 <-> binary32 on raw bits. Everything works on integer views so NaN payloads
// survive: reading a float into a JS number may quiet a signalling NaN.

/** Rounds float32 bits to the nearest float16 (ties to even), with subnormals and ±Infinity. */
export function float32BitsToFloat16Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    if (mantissa === 0) return sign | 0x7c00;
    // NaN keeps the top 10 payload bits; if those are all zero it must stay a NaN, so set quiet.
    const payload = mantissa >>> 13;
    return sign | 0x7c00 | (payload === 0 ? 0x200 : payload);
  }
  const halfExponent = exponent - 112; // rebias 127 -> 15
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too large: overflows to ±Infinity
  if (halfExponent <= 0) {
    // Subnormal half: value / 2^-24, from the 24-bit significand shifted right.
    const shift = 14 - halfExponent;
    if (shift > 24) return sign; // below half the smallest subnormal: ±0
    const significand = mantissa | 0x800000;
    let half = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest === midpoint && (half & 1) === 1)) half++;
    return sign | half; // a carry into bit 10 is the smallest normal, which is right
  }
  let half = sign | (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry may ripple into the exponent and up to 0x7c00 (Infinity): both correct.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

/** Exact float16 bits -> float32 bits (every half is representable as a float). */
export function float16BitsToFloat32Bits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >>> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent === 0) {
    if (mantissa === 0) return sign >>> 0;
    let e = 113; // normalise the subnormal: shift until the implicit bit appears
    while ((mantissa & 0x400) === 0) {
      mantissa <<= 1;
      e--;
    }
    return (sign | (e << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
  }
  return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
}

let halfToFloatBits: Uint32Array | undefined;

/** 65536-entry table (256 KiB), built on first use: decoding is then one load per element. */
function getHalfToFloatTable(): Uint32Array {
  if (!halfToFloatBits) {
    halfToFloatBits = new Uint32Array(0x10000);
    for (let h = 0; h < 0x10000; h++) halfToFloatBits[h] = float16BitsToFloat32Bits(h);
  }
  return halfToFloatBits;
}

/** float32 values -> float16 bits, rounded to nearest even. */
export function encodeFloat16(values: Float32Array): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) out[i] = float32BitsToFloat16Bits(bits[i] ?? 0);
  return out;
}

/** float16 bits -> a new Float32Array holding the exact values. */
export function decodeFloat16(halves: Uint16Array): Float32Array {
  const table = getHalfToFloatTable();
  const out = new Uint32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i] ?? 0] ?? 0;
  return new Float32Array(out.buffer);
}
