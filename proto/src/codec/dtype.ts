import { TensorCodecError } from "./tensor-codec-error.js";

export const DTYPES = [
  "float32",
  "float16",
  "bfloat16",
  "int32",
  "int64",
  "uint8",
  "bool",
] as const;
export type DType = (typeof DTYPES)[number];

export type TensorValues = Float32Array | Int32Array | BigInt64Array | Uint8Array;

/**
 * A tensor in host memory. float32, float16, bfloat16 -> Float32Array; int32 -> Int32Array;
 * int64 -> BigInt64Array; uint8, bool -> Uint8Array (bool 0/1).
 */
export interface HostTensor {
  dtype: DType;
  shape: number[];
  values: TensorValues;
}

const DTYPE_SET: ReadonlySet<string> = new Set(DTYPES);

export function isDType(s: string): s is DType {
  return DTYPE_SET.has(s);
}

/** Bytes per element on the wire; bfloat16 travels as float32, so it takes 4. */
export const WIRE_ELEMENT_BYTES: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  bfloat16: 4,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
};

/** The typed array a dtype's values live in, by name, for error messages. */
export const VALUES_TYPE_NAME: Readonly<Record<DType, string>> = {
  float32: "Float32Array",
  float16: "Float32Array",
  bfloat16: "Float32Array",
  int32: "Int32Array",
  int64: "BigInt64Array",
  uint8: "Uint8Array",
  bool: "Uint8Array",
};

/** Checks a dtype name from the wire or a caller; unknown names are rejected with the list. */
export function checkDType(dtype: unknown, where: string): DType {
  if (typeof dtype === "string" && isDType(dtype)) return dtype;
  throw new TensorCodecError(
    `${where}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`,
  );
}

/**
 * Checks every dim is a non-negative safe integer and returns the element count.
 * @param maxDim the largest dim the message field can carry (int32 shapes in tensor_service)
 */
export function countElements(
  shape: readonly unknown[],
  where: string,
  maxDim: number = Number.MAX_SAFE_INTEGER,
): number {
  if (!Array.isArray(shape)) {
    throw new TensorCodecError(`${where}: shape must be an array of dims, got ${typeof shape}`);
  }
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const dim: unknown = shape[i];
    if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 0 || dim > maxDim) {
      throw new TensorCodecError(
        `${where}: shape ${formatShape(shape)} has dim ${i} = ${String(dim)}; ` +
          `dims must be integers in [0, ${maxDim}]`,
      );
    }
    count *= dim;
  }
  if (!Number.isSafeInteger(count)) {
    throw new TensorCodecError(`${where}: shape ${formatShape(shape)} has too many elements`);
  }
  return count;
}

/** Bytes `data` must hold on the wire for this dtype and shape. */
export function byteLengthOf(dtype: DType, shape: readonly number[]): number {
  const checked = checkDType(dtype, "byteLengthOf");
  return countElements(shape, `byteLengthOf(${checked})`) * WIRE_ELEMENT_BYTES[checked];
}

export function formatShape(shape: readonly unknown[]): string {
  return `[${shape.map(String).join(", ")}]`;
}
