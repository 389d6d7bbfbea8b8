import { describe, expect, it } from "vitest";
import type { CommData, ServiceTensorData, Tensor } from "../grpc/messages.js";
import {
  getDistributedCommService,
  getDistributedInferenceService,
  getTensorServiceService,
} from "../grpc/services.js";
import { encodeCommData, decodeCommData } from "./comm-data.js";
import type { HostTensor } from "./dtype.js";
import { encodeServiceTensor, decodeServiceTensor } from "./service-tensor.js";
import { encodeTensor, decodeTensor } from "./tensor-message.js";
import { bitsOf, floatsFromBits, getRpcCodec, listOf } from "./test-support.js";

// Bit patterns, so NaN payloads, -0 and subnormals are compared exactly.
const FLOAT32_BITS = [
  0x00000000, 0x80000000, 0x3fc00000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc12345,
  0x00000001, 0x807fffff, 0x7f7fffff, 0xff7fffff,
];
// Values float16 holds exactly: ±0, ±Inf, NaN with payload, smallest/largest subnormal, smallest normal, ±65504.
const FLOAT16_EXACT_BITS = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc02000, 0xffc00000, 0x33800000, 0x387fc000,
  0x38800000, 0x477fe000, 0xc77fe000, 0x3fc00000,
];
// Values bfloat16 holds exactly: ±0, ±Inf, NaN with payload, subnormal, max, -max, 1.5.
const BFLOAT16_EXACT_BITS = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc10000, 0xffc00000, 0x00010000, 0x7f7f0000,
  0xff7f0000, 0x3fc00000, 0x80010000, 0x3f810000,
];

function tensorsOfEveryDType(): HostTensor[] {
  return [
    { dtype: "float32", shape: [3, 4], values: floatsFromBits(FLOAT32_BITS) },
    { dtype: "float16", shape: [2, 6], values: floatsFromBits(FLOAT16_EXACT_BITS) },
    { dtype: "bfloat16", shape: [12], values: floatsFromBits(BFLOAT16_EXACT_BITS) },
    {
      dtype: "int32",
      shape: [2, 2],
      values: Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31)]),
    },
    {
      dtype: "int64",
      shape: [4],
      values: BigInt64Array.from([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]),
    },
    { dtype: "uint8", shape: [1, 4], values: Uint8Array.from([0, 1, 128, 255]) },
    { dtype: "bool", shape: [2, 2], values: Uint8Array.from([0, 1, 1, 0]) },
  ];
}

/** Values as comparable arrays: floats by bits, ints by value. */
function comparable(t: HostTensor): unknown[] {
  return t.values instanceof Float32Array ? bitsOf(t.values) : listOf(t.values);
}

function expectSameTensor(got: HostTensor, sent: HostTensor): void {
  expect(got.dtype).toBe(sent.dtype);
  expect(got.shape).toEqual(sent.shape);
  expect(got.values.constructor).toBe(sent.values.constructor);
  expect(comparable(got)).toEqual(comparable(sent));
}

const forward = getRpcCodec(getDistributedInferenceService(), "Forward");
const send = getRpcCodec(getDistributedCommService(), "Send");
const sendTensor = getRpcCodec(getTensorServiceService(), "SendTensor");

interface Kind {
  name: string;
  roundTrip(t: HostTensor): HostTensor;
}

// Each kind goes encode -> protobuf bytes (our .proto via grpc) -> decoded message -> decode.
const KINDS: Kind[] = [
  {
    name: "mlx_distributed.Tensor (in ForwardRequest)",
    roundTrip(t) {
      const bytes = forward.serializeRequest({ request_id: "r", input_tensor: encodeTensor(t) });
      const req = forward.deserializeRequest(bytes) as { input_tensor: Tensor };
      return decodeTensor(req.input_tensor);
    },
  },
  {
    name: "mlx_distributed.comm.CommData (in SendRequest)",
    roundTrip(t) {
      const bytes = send.serializeRequest({
        source_rank: 0,
        dest_rank: 1,
        data: encodeCommData(t),
      });
      const req = send.deserializeRequest(bytes) as { data: CommData };
      return decodeCommData(req.data);
    },
  },
  {
    name: "mlx_distributed.comm.CommData, gzipped (threshold 0)",
    roundTrip(t) {
      const bytes = send.serializeRequest({ data: encodeCommData(t, { gzipAboveBytes: 0 }) });
      const req = send.deserializeRequest(bytes) as { data: CommData };
      // "exceeds 0 bytes": everything but an empty tensor is gzipped
      expect(req.data.metadata["compressed"]).toBe(t.values.byteLength > 0 ? "gzip" : "none");
      return decodeCommData(req.data);
    },
  },
  {
    name: "tensor_service.TensorData (in SendTensorRequest)",
    roundTrip(t) {
      const msg = encodeServiceTensor(t, { tensorId: "t", deviceSource: "mini1", timestamp: 12.5 });
      const bytes = sendTensor.serializeRequest({ tensor: msg });
      const req = sendTensor.deserializeRequest(bytes) as { tensor: ServiceTensorData };
      expect(req.tensor.device_source).toBe("mini1");
      expect(req.tensor.timestamp).toBe(12.5);
      return decodeServiceTensor(req.tensor);
    },
  },
  {
    name: "tensor_service.TensorData, gzipped",
    roundTrip(t) {
      const msg = encodeServiceTensor(t, { tensorId: "t", compression: "gzip" });
      const bytes = sendTensor.serializeRequest({ tensor: msg });
      const req = sendTensor.deserializeRequest(bytes) as { tensor: ServiceTensorData };
      expect(req.tensor.compression).toBe("gzip");
      return decodeServiceTensor(req.tensor);
    },
  },
];

const CASES = KINDS.flatMap((kind) =>
  tensorsOfEveryDType().map((t) => ({
    kind: kind.name,
    dtype: t.dtype,
    t,
    roundTrip: kind.roundTrip,
  })),
);

describe("codec round trip through protobuf bytes", () => {
  it.each(CASES)("$dtype through $kind", ({ t, roundTrip }) => {
    expectSameTensor(roundTrip(t), t);
  });

  it.each(KINDS)("keeps shapes with zero-size and no dims through $name", (kind) => {
    const empty: HostTensor = { dtype: "float32", shape: [0, 5], values: new Float32Array(0) };
    expectSameTensor(kind.roundTrip(empty), empty);
    const scalar: HostTensor = { dtype: "int64", shape: [], values: BigInt64Array.from([-7n]) };
    expectSameTensor(kind.roundTrip(scalar), scalar);
  });

  it("carries bfloat16 as float32 with the contract's metadata", () => {
    const t = tensorsOfEveryDType().find((x) => x.dtype === "bfloat16");
    if (!t) throw new Error("no bfloat16 case");
    const msg = encodeTensor(t, { layer: "3" });
    expect(msg.dtype).toBe("float32");
    expect(msg.metadata).toEqual({ layer: "3", original_mlx_dtype: "mlx.core.bfloat16" });
    expect(msg.data.byteLength).toBe(t.values.length * 4);
    const comm = encodeCommData(t);
    expect(comm.tensor_data?.dtype).toBe("float32");
    expect(comm.metadata["original_mlx_dtype"]).toBe("mlx.core.bfloat16");
    // A float32 tensor without the marker stays float32.
    const plain = decodeTensor({ ...msg, metadata: { layer: "3" } });
    expect(plain.dtype).toBe("float32");
  });

  it("rounds bfloat16 to nearest even on encode and on arrival", () => {
    // 1 + 2^-8 is a tie (-> 1), 1 + 2^-8 + 2^-20 rounds up (-> 1 + 2^-7), the NaN keeps its top bits.
    const unrounded = floatsFromBits([0x3f808000, 0x3f808008, 0x7f800001, 0xffc1abcd]);
    const rounded = [0x3f800000, 0x3f810000, 0x7fc00000, 0xffc10000];
    const sent = encodeTensor({ dtype: "bfloat16", shape: [4], values: unrounded });
    expect(bitsOf(new Float32Array(sent.data.buffer, sent.data.byteOffset, 4))).toEqual(rounded);
    expect(bitsOf(unrounded)[0]).toBe(0x3f808000); // the caller's values are left alone
    // A float32 sender that did not round: the receiver rounds.
    const arrived = decodeTensor({
      shape: [4],
      dtype: "float32",
      data: Buffer.from(unrounded.buffer),
      metadata: { original_mlx_dtype: "mlx.core.bfloat16" },
    });
    expect(arrived.dtype).toBe("bfloat16");
    expect(bitsOf(arrived.values as Float32Array)).toEqual(rounded);
  });

  it("rounds float16 to nearest even with overflow to Infinity on encode", () => {
    const sent = encodeTensor({
      dtype: "float16",
      shape: [4],
      values: Float32Array.from([1 + 2 ** -11, 65520, -1e9, 2 ** -25 + 2 ** -40]),
    });
    expect(sent.dtype).toBe("float16");
    expect(Array.from(new Uint16Array(sent.data.buffer, sent.data.byteOffset, 4))).toEqual([
      0x3c00, 0x7c00, 0xfc00, 0x0001,
    ]);
  });
});
