import { describe, expect, it } from "vitest";
import { roundFloat32BitsToBfloat16 } from "./bfloat16.js";
import { float16BitsToFloat32Bits, float32BitsToFloat16Bits } from "./float16.js";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function valueOfBits(bits: number): number {
  u32[0] = bits;
  return f32[0] ?? Number.NaN;
}
function bitsOfValue(value: number): number {
  f32[0] = value;
  return u32[0] ?? 0;
}

function roundHalfEven(q: number): number {
  const floor = Math.floor(q);
  const diff = q - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Independent reference in float64 arithmetic (exact for float32 inputs): round |x| to a
 * multiple of the target's ulp at x's binade, ties to even, overflow to Infinity.
 */
function referenceRound(
  x: number,
  mantissaBits: number,
  minExponent: number,
  overflowAt: number,
): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  const ulp = 2 ** (Math.max(e, minExponent) - mantissaBits);
  const r = roundHalfEven(a / ulp) * ulp;
  const rounded = r >= overflowAt ? Infinity : r;
  return x < 0 ? -rounded : rounded;
}

/** Deterministic pseudo-random 32-bit patterns (xorshift), so a failure is reproducible. */
function* randomBits(count: number, seed = 0x9e3779b9): Generator<number> {
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    yield s;
  }
}

describe("float16 conversion", () => {
  it("round-trips every one of the 65536 half bit patterns exactly, NaN payloads included", () => {
    const failures: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if (float32BitsToFloat16Bits(float16BitsToFloat32Bits(h)) !== h) failures.push(h);
    }
    expect(failures).toEqual([]);
  });

  it("decodes known values: subnormals, max, infinities, -0", () => {
    expect(valueOfBits(float16BitsToFloat32Bits(0x0001))).toBe(2 ** -24);
    expect(valueOfBits(float16BitsToFloat32Bits(0x03ff))).toBe(1023 * 2 ** -24);
    expect(valueOfBits(float16BitsToFloat32Bits(0x0400))).toBe(2 ** -14);
    expect(valueOfBits(float16BitsToFloat32Bits(0x7bff))).toBe(65504);
    expect(valueOfBits(float16BitsToFloat32Bits(0x7c00))).toBe(Infinity);
    expect(valueOfBits(float16BitsToFloat32Bits(0xfc00))).toBe(-Infinity);
    expect(Object.is(valueOfBits(float16BitsToFloat32Bits(0x8000)), -0)).toBe(true);
    expect(float16BitsToFloat32Bits(0x7e01)).toBe(0x7fc02000);
  });

  it.each([
    ["1 + 2^-11 (tie) rounds to even 1", 1 + 2 ** -11, 0x3c00],
    ["1 + 3·2^-11 (tie) rounds to even 1 + 2^-9", 1 + 3 * 2 ** -11, 0x3c02],
    ["65504 stays", 65504, 0x7bff],
    ["65519 rounds down to 65504", 65519, 0x7bff],
    ["65520 (tie) overflows to Infinity", 65520, 0x7c00],
    ["-1e6 overflows to -Infinity", -1e6, 0xfc00],
    ["2^-25 (tie with 0) rounds to +0", 2 ** -25, 0x0000],
    ["just above 2^-25 rounds to the smallest subnormal", 2 ** -25 + 2 ** -40, 0x0001],
    ["3·2^-25 (tie) rounds to even 2·2^-24", 3 * 2 ** -25, 0x0002],
    ["largest subnormal + half ulp rounds up to the smallest normal", 2 ** -14 - 2 ** -25, 0x0400],
    ["-0 keeps its sign", -0, 0x8000],
  ])("%s", (_name, value, expected) => {
    expect(float32BitsToFloat16Bits(bitsOfValue(value))).toBe(expected);
  });

  it("keeps NaN a NaN when its payload lies only in the dropped bits", () => {
    expect(float32BitsToFloat16Bits(0x7f800001)).toBe(0x7e00);
    expect(float32BitsToFloat16Bits(0xffc12345)).toBe(0xfe09);
  });

  it("matches a float64 reference on 200k random float32 bit patterns", () => {
    const mismatches: string[] = [];
    for (const bits of randomBits(200_000)) {
      const x = valueOfBits(bits);
      if (Number.isNaN(x)) continue;
      const got = valueOfBits(float16BitsToFloat32Bits(float32BitsToFloat16Bits(bits)));
      const want = referenceRound(x, 10, -14, 65520);
      if (!Object.is(got, want)) mismatches.push(`${bits.toString(16)}: ${got} vs ${want}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe("bfloat16 rounding", () => {
  it.each([
    ["1 + 2^-8 (tie) rounds to even 1", 0x3f808000, 0x3f800000],
    ["1 + 3·2^-8 (tie) rounds to even 1 + 2^-6", 0x3f818000, 0x3f820000],
    ["just above a tie rounds up", 0x3f808001, 0x3f810000],
    ["largest float rounds to Infinity", 0x7f7fffff, 0x7f800000],
    ["-Infinity stays", 0xff800000, 0xff800000],
    ["-0 stays", 0x80000000, 0x80000000],
    ["smallest float32 subnormal rounds to 0", 0x00000001, 0x00000000],
    ["signalling NaN with low payload stays NaN", 0x7f800001, 0x7fc00000],
    ["NaN keeps its top payload bits", 0xffc1abcd, 0xffc10000],
  ])("%s", (_name, bits, expected) => {
    expect(roundFloat32BitsToBfloat16(bits)).toBe(expected);
  });

  it("matches a float64 reference on 200k random float32 bit patterns", () => {
    const mismatches: string[] = [];
    for (const bits of randomBits(200_000, 12345)) {
      const x = valueOfBits(bits);
      if (Number.isNaN(x)) continue;
      const got = valueOfBits(roundFloat32BitsToBfloat16(bits));
      const want = referenceRound(x, 7, -126, 2 ** 128);
      if (!Object.is(got, want)) mismatches.push(`${bits.toString(16)}: ${got} vs ${want}`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
