import type { DType, HostTensor } from "@mlxbench/proto";
import { createMulberry32, WIRE_ELEMENT_BYTES } from "@mlxbench/proto";

/**
 * A tensor of about `wireBytes` bytes on the wire. Float values are multiples of 1/8 below 32
 * in magnitude, exact in float16 and bfloat16, so a round trip must return identical bits; the
 * first elements are the specials (NaN, ±Infinity, -0) a codec most often breaks.
 */
export function makeTensor(dtype: DType, wireBytes: number, seed = 1): HostTensor {
  const n = Math.max(1, Math.floor(wireBytes / WIRE_ELEMENT_BYTES[dtype]));
  const rand = createMulberry32(seed);
  const shape = n % 64 === 0 ? [n / 64, 64] : [n];
  switch (dtype) {
    case "float32":
    case "float16":
    case "bfloat16": {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = Math.round((rand() * 2 - 1) * 255) / 8;
      const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
      for (let i = 0; i < specials.length && i < n; i++) v[i] = specials[i] ?? 0;
      return { dtype, shape, values: v };
    }
    case "int32": {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = Math.floor((rand() * 2 - 1) * 2 ** 31);
      return { dtype, shape, values: v };
    }
    case "int64": {
      const v = new BigInt64Array(n);
      for (let i = 0; i < n; i++) v[i] = BigInt(Math.floor((rand() * 2 - 1) * 2 ** 52)) * 1024n;
      return { dtype, shape, values: v };
    }
    case "uint8":
    case "bool": {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++)
        v[i] = dtype === "bool" ? (rand() < 0.5 ? 1 : 0) : Math.floor(rand() * 256);
      return { dtype, shape, values: v };
    }
  }
}

/**
 * Activations as a bfloat16 model sends them: float32 whose low 16 mantissa bits are zero,
 * smoothly varying. Compresses the way real hidden states do, unlike uniform random floats.
 */
export function makeActivationTensor(wireBytes: number, seed = 7): HostTensor {
  const n = Math.max(1, Math.floor(wireBytes / 4));
  const rand = createMulberry32(seed);
  const v = new Float32Array(n);
  const bits = new Uint32Array(v.buffer);
  for (let i = 0; i < n; i++) {
    v[i] = Math.sin(i / 97) * 2 + (rand() - 0.5) * 0.5;
    bits[i] = (bits[i] ?? 0) & 0xffff0000;
  }
  return { dtype: "float32", shape: [n], values: v };
}

/** Bit-exact equality: NaN equals NaN, -0 differs from 0. */
export function tensorsIdentical(a: HostTensor, b: HostTensor): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length) return false;
  if (a.shape.some((d, i) => d !== b.shape[i])) return false;
  if (a.values.length !== b.values.length) return false;
  for (let i = 0; i < a.values.length; i++) {
    if (!Object.is(a.values[i], b.values[i])) return false;
  }
  return true;
}
