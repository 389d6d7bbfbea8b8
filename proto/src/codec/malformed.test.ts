import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { CommData, ServiceTensorData } from "../grpc/messages.js";
import { decodeCommData, encodeCommData } from "./comm-data.js";
import { byteLengthOf, type DType, type HostTensor } from "./dtype.js";
import { decodeServiceTensor, encodeServiceTensor } from "./service-tensor.js";
import { TensorCodecError } from "./tensor-codec-error.js";
import { decodeTensor, encodeTensor } from "./tensor-message.js";

const SIX_FLOATS = Buffer.from(new Float32Array(6).buffer);

function comm(
  data: Uint8Array,
  metadata: Record<string, string>,
  shape = [6],
  dtype = "float32",
): CommData {
  return {
    data: "tensor_data",
    tensor_data: { data: Buffer.from(data), shape, dtype },
    comm_type: "tensor",
    metadata,
  };
}

function service(overrides: Partial<ServiceTensorData>): ServiceTensorData {
  return {
    tensor_id: "t9",
    shape: [6],
    dtype: "float32",
    data: SIX_FLOATS,
    compression: "none",
    device_source: "",
    device_target: "",
    timestamp: 0,
    ...overrides,
  };
}

function host(dtype: string, shape: number[], values: unknown): HostTensor {
  return { dtype, shape, values } as HostTensor; // deliberately unchecked: these are bad inputs
}

const CASES: [string, () => unknown, RegExp][] = [
  // decode: Tensor
  [
    "Tensor with data shorter than shape × dtype",
    () => decodeTensor({ shape: [2, 3], dtype: "float32", data: SIX_FLOATS.subarray(4) }),
    /Tensor: data length mismatch for float32 shape \[2, 3\]: expected 6 × 4 = 24 bytes, got 20/,
  ],
  [
    "Tensor with data longer than shape × dtype",
    () => decodeTensor({ shape: [3], dtype: "int64", data: Buffer.alloc(25) }),
    /expected 3 × 8 = 24 bytes, got 25/,
  ],
  [
    "Tensor with an unknown dtype",
    () => decodeTensor({ shape: [6], dtype: "float64", data: SIX_FLOATS }),
    /Tensor: unknown dtype "float64"; expected one of float32, float16, bfloat16, int32, int64, uint8, bool/,
  ],
  [
    "Tensor with a negative dim",
    () => decodeTensor({ shape: [3, -2], dtype: "float32", data: SIX_FLOATS }),
    /shape \[3, -2\] has dim 1 = -2; dims must be integers/,
  ],
  [
    "Tensor with a fractional dim",
    () => decodeTensor({ shape: [1.5, 4], dtype: "float32", data: SIX_FLOATS }),
    /dim 0 = 1.5/,
  ],
  [
    "Tensor with a NaN dim",
    () => decodeTensor({ shape: [Number.NaN], dtype: "float32", data: SIX_FLOATS }),
    /dim 0 = NaN/,
  ],
  [
    "Tensor with a bool byte that is not 0 or 1",
    () => decodeTensor({ shape: [4], dtype: "bool", data: Buffer.from([0, 1, 2, 1]) }),
    /bool byte at index 2 is 2; bool bytes must be 0 or 1/,
  ],
  [
    "Tensor marked bfloat16 whose dtype is not float32",
    () =>
      decodeTensor({
        shape: [6],
        dtype: "int32",
        data: SIX_FLOATS,
        metadata: { original_mlx_dtype: "mlx.core.bfloat16" },
      }),
    /original_mlx_dtype=mlx.core.bfloat16 needs dtype float32.*got int32/,
  ],
  [
    "Tensor marked bfloat16 with 2-byte elements",
    () =>
      decodeTensor({
        shape: [6],
        dtype: "bfloat16",
        data: Buffer.alloc(12),
      }),
    /expected 6 × 4 = 24 bytes, got 12 \(bfloat16 travels as float32/,
  ],
  // decode: CommData
  [
    "CommData with corrupt gzip",
    () => decodeCommData(comm(Buffer.from("definitely not gzip"), { compressed: "gzip" })),
    /CommData: gzip data is corrupt/,
  ],
  [
    "CommData whose gzip inflates beyond the tensor's size",
    () => decodeCommData(comm(gzipSync(Buffer.alloc(1000)), { compressed: "gzip" })),
    /gzip data inflates beyond the 24 bytes its shape and dtype allow/,
  ],
  [
    "CommData whose gzip inflates to too few bytes",
    () => decodeCommData(comm(gzipSync(Buffer.alloc(20)), { compressed: "gzip" })),
    /CommData \(after gunzip\): data length mismatch .* expected 6 × 4 = 24 bytes, got 20/,
  ],
  [
    "CommData whose original_size disagrees",
    () => decodeCommData(comm(SIX_FLOATS, { compressed: "none", original_size: "48" })),
    /original_size=48 but the tensor data holds 24 bytes/,
  ],
  [
    "CommData with an unknown compressed value",
    () => decodeCommData(comm(SIX_FLOATS, { compressed: "zstd" })),
    /unknown metadata compressed="zstd"/,
  ],
  [
    "CommData carrying pickle_data",
    () =>
      decodeCommData({
        data: "pickle_data",
        pickle_data: Buffer.from([0x80]),
        comm_type: "",
        metadata: {},
      }),
    /CommData carries pickle_data, not tensor_data/,
  ],
  [
    "CommData carrying numpy_data without the oneof name",
    () => decodeCommData({ numpy_data: Buffer.from([1]), comm_type: "", metadata: {} }),
    /CommData carries numpy_data/,
  ],
  [
    "CommData with nothing",
    () => decodeCommData({ comm_type: "", metadata: {} }),
    /CommData has no tensor_data/,
  ],
  [
    "CommData with an unknown dtype",
    () => decodeCommData(comm(SIX_FLOATS, {}, [6], "complex64")),
    /CommData: unknown dtype "complex64"/,
  ],
  // decode: tensor_service TensorData
  [
    "TensorData with an unknown compression",
    () => decodeServiceTensor(service({ compression: "lz4" })),
    /TensorData "t9": unknown compression "lz4"/,
  ],
  [
    "TensorData with corrupt gzip",
    () =>
      decodeServiceTensor(
        service({ compression: "gzip", data: Buffer.from([0x1f, 0x8b, 8, 0, 0]) }),
      ),
    /TensorData "t9": gzip data is corrupt/,
  ],
  [
    "TensorData with a data length mismatch",
    () => decodeServiceTensor(service({ shape: [7] })),
    /TensorData "t9": data length mismatch for float32 shape \[7\]: expected 7 × 4 = 28 bytes, got 24/,
  ],
  // encode
  [
    "encode with an unknown dtype",
    () => encodeTensor(host("float64", [1], new Float32Array(1))),
    /encodeTensor: unknown dtype "float64"/,
  ],
  [
    "encode with values of the wrong type",
    () => encodeTensor(host("float32", [2], Int32Array.from([1, 2]))),
    /encodeTensor: float32 values must be a Float32Array, got Int32Array/,
  ],
  [
    "encode with too few values for the shape",
    () => encodeCommData(host("int32", [2, 3], new Int32Array(5))),
    /encodeCommData: int32 tensor of shape \[2, 3\] needs 6 values, got 5/,
  ],
  [
    "encode with a negative dim",
    () => encodeTensor(host("uint8", [-1], new Uint8Array(1))),
    /dim 0 = -1/,
  ],
  [
    "encode of a bool value that is not 0 or 1",
    () => encodeServiceTensor(host("bool", [3], Uint8Array.from([1, 0, 3])), { tensorId: "b" }),
    /bool value at index 2 is 3; bool values must be 0 or 1/,
  ],
  [
    "encode to tensor_service with a dim beyond int32",
    () => encodeServiceTensor(host("uint8", [2 ** 31, 0], new Uint8Array(0)), { tensorId: "big" }),
    /dim 0 = 2147483648; dims must be integers in \[0, 2147483647\]/,
  ],
  [
    "encode of a float32 tensor whose metadata claims bfloat16",
    () =>
      encodeTensor(
        { dtype: "float32", shape: [1], values: new Float32Array(1) },
        {
          original_mlx_dtype: "mlx.core.bfloat16",
        },
      ),
    /contradicts dtype float32/,
  ],
  [
    "encode with a negative gzip threshold",
    () =>
      encodeCommData(
        { dtype: "uint8", shape: [1], values: new Uint8Array(1) },
        { gzipAboveBytes: -1 },
      ),
    /gzipAboveBytes must be >= 0, got -1/,
  ],
  [
    "byteLengthOf an unknown dtype",
    () => byteLengthOf("float8" as DType, [1]),
    /byteLengthOf: unknown dtype "float8"/,
  ],
];

describe("malformed input is rejected with a TensorCodecError that names the problem", () => {
  it.each(CASES)("%s", (_name, run, message) => {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TensorCodecError);
    expect((caught as Error).name).toBe("TensorCodecError");
    expect((caught as Error).message).toMatch(message);
  });

  it("keeps the zlib error as the cause of a corrupt gzip", () => {
    try {
      decodeCommData(comm(Buffer.from("nope"), { compressed: "gzip" }));
      expect.unreachable();
    } catch (error) {
      expect((error as TensorCodecError).cause).toBeInstanceOf(Error);
    }
  });
});

describe("byteLengthOf", () => {
  it.each([
    ["float32", [2, 3], 24],
    ["float16", [2, 3], 12],
    ["bfloat16", [2, 3], 24],
    ["int32", [5], 20],
    ["int64", [5], 40],
    ["uint8", [7], 7],
    ["bool", [7], 7],
    ["float32", [], 4],
    ["int64", [0, 9], 0],
  ] as const)("%s %j -> %i wire bytes", (dtype, shape, bytes) => {
    expect(byteLengthOf(dtype, shape)).toBe(bytes);
  });
});
