// Host values <-> raw little-endian element bytes, shared by the three message kinds.
//
// Ownership: encoding never copies when the dtype needs no conversion (float32, int32, int64,
// uint8, bool, and bfloat16 values that already have bfloat16 precision): the returned Buffer is
// a view over the caller's typed array, so the caller must not change those values until the
// message is serialized. Decoding returns a view over the received bytes whenever they are
// aligned for the element type; the HostTensor then shares memory with the message.
import { isBfloat16Exact, roundToBfloat16 } from "./bfloat16.js";
import {
  type DType,
  type HostTensor,
  type TensorValues,
  VALUES_TYPE_NAME,
  WIRE_ELEMENT_BYTES,
  checkDType,
  countElements,
  formatShape,
} from "./dtype.js";
import { decodeFloat16, encodeFloat16 } from "./float16.js";
import { TensorCodecError } from "./tensor-codec-error.js";

function viewAsBuffer(values: ArrayBufferView): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function hasValuesType(dtype: DType, values: unknown): values is TensorValues {
  switch (dtype) {
    case "float32":
    case "float16":
    case "bfloat16":
      return values instanceof Float32Array;
    case "int32":
      return values instanceof Int32Array;
    case "int64":
      return values instanceof BigInt64Array;
    case "uint8":
    case "bool":
      return values instanceof Uint8Array;
  }
}

function describeValues(values: unknown): string {
  if (values === null || typeof values !== "object") return typeof values;
  return values.constructor.name;
}

/** Index of the first byte that is neither 0 nor 1, or -1. */
function findNonBoolByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) > 1) return i;
  }
  return -1;
}

/** Checks a host tensor and returns its wire element bytes (bfloat16 as float32 bits). */
export function toWireBytes(t: HostTensor, where: string, maxDim?: number): Buffer {
  const dtype = checkDType(t.dtype, where);
  const count = countElements(t.shape, where, maxDim);
  const { values } = t;
  if (!hasValuesType(dtype, values)) {
    throw new TensorCodecError(
      `${where}: ${dtype} values must be a ${VALUES_TYPE_NAME[dtype]}, got ${describeValues(values)}`,
    );
  }
  if (values.length !== count) {
    throw new TensorCodecError(
      `${where}: ${dtype} tensor of shape ${formatShape(t.shape)} needs ${count} values, got ${values.length}`,
    );
  }
  switch (dtype) {
    case "float16":
      return viewAsBuffer(encodeFloat16(values as Float32Array));
    case "bfloat16": {
      const f32 = values as Float32Array;
      const bits = new Uint32Array(f32.buffer, f32.byteOffset, f32.length);
      if (isBfloat16Exact(bits)) return viewAsBuffer(bits);
      const rounded = new Uint32Array(bits.length);
      roundToBfloat16(bits, rounded);
      return viewAsBuffer(rounded);
    }
    case "bool": {
      const bad = findNonBoolByte(values as Uint8Array);
      if (bad >= 0) {
        throw new TensorCodecError(
          `${where}: bool value at index ${bad} is ${String(values[bad])}; bool values must be 0 or 1`,
        );
      }
      return viewAsBuffer(values);
    }
    case "float32":
    case "int32":
    case "int64":
    case "uint8":
      return viewAsBuffer(values);
  }
}

interface AlignedBytes {
  buffer: ArrayBufferLike;
  byteOffset: number;
  /** True when the bytes were copied (so they may be changed in place). */
  copied: boolean;
}

/** The bytes themselves when aligned for `elementBytes`; else an aligned copy. */
function alignTo(data: Uint8Array, elementBytes: number): AlignedBytes {
  if (data.byteOffset % elementBytes === 0) {
    return { buffer: data.buffer, byteOffset: data.byteOffset, copied: false };
  }
  // allocUnsafe: no zero-fill pass, and small sizes come from Node's pool, whose slices start
  // on 8-byte boundaries (so the values may share that pool's ArrayBuffer, as Buffers do).
  let copy = Buffer.allocUnsafe(data.byteLength);
  if (copy.byteOffset % elementBytes !== 0) copy = Buffer.allocUnsafeSlow(data.byteLength);
  copy.set(data);
  return { buffer: copy.buffer, byteOffset: copy.byteOffset, copied: true };
}

/**
 * Checks raw wire bytes against dtype and shape and returns the host tensor. `dtype` is the host
 * dtype: for bfloat16 the bytes are float32 and the values come back rounded to bfloat16.
 */
export function fromWireBytes(
  dtype: DType,
  shape: readonly unknown[],
  data: Uint8Array,
  where: string,
): HostTensor {
  const count = countElements(shape, where);
  if (!(data instanceof Uint8Array)) {
    throw new TensorCodecError(`${where}: data must be bytes, got ${describeValues(data)}`);
  }
  const elementBytes = WIRE_ELEMENT_BYTES[dtype];
  const expected = count * elementBytes;
  if (data.byteLength !== expected) {
    const note = dtype === "bfloat16" ? " (bfloat16 travels as float32, 4 bytes each)" : "";
    throw new TensorCodecError(
      `${where}: data length mismatch for ${dtype} shape ${formatShape(shape)}: ` +
        `expected ${count} × ${elementBytes} = ${expected} bytes, got ${data.byteLength}${note}`,
    );
  }
  const hostShape = shape as number[];
  const outShape = hostShape.slice();
  switch (dtype) {
    case "float32": {
      const a = alignTo(data, 4);
      return { dtype, shape: outShape, values: new Float32Array(a.buffer, a.byteOffset, count) };
    }
    case "int32": {
      const a = alignTo(data, 4);
      return { dtype, shape: outShape, values: new Int32Array(a.buffer, a.byteOffset, count) };
    }
    case "int64": {
      const a = alignTo(data, 8);
      return { dtype, shape: outShape, values: new BigInt64Array(a.buffer, a.byteOffset, count) };
    }
    case "uint8":
      return {
        dtype,
        shape: outShape,
        values: new Uint8Array(data.buffer, data.byteOffset, count),
      };
    case "bool": {
      const bad = findNonBoolByte(data);
      if (bad >= 0) {
        throw new TensorCodecError(
          `${where}: bool byte at index ${bad} is ${String(data[bad])}; bool bytes must be 0 or 1`,
        );
      }
      return {
        dtype,
        shape: outShape,
        values: new Uint8Array(data.buffer, data.byteOffset, count),
      };
    }
    case "float16": {
      const a = alignTo(data, 2);
      return {
        dtype,
        shape: outShape,
        values: decodeFloat16(new Uint16Array(a.buffer, a.byteOffset, count)),
      };
    }
    case "bfloat16": {
      const a = alignTo(data, 4);
      const bits = new Uint32Array(a.buffer, a.byteOffset, count);
      // Already bfloat16 (what our encoder and MLX send): keep the view. Otherwise round, in
      // place only on our own copy, never in the caller's buffer.
      if (isBfloat16Exact(bits))
        return {
          dtype,
          shape: outShape,
          values: new Float32Array(bits.buffer, bits.byteOffset, count),
        };
      const rounded = a.copied ? bits : new Uint32Array(count);
      roundToBfloat16(bits, rounded);
      return {
        dtype,
        shape: outShape,
        values: new Float32Array(rounded.buffer, rounded.byteOffset, count),
      };
    }
  }
}
