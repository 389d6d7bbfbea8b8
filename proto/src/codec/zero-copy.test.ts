import { describe, expect, it } from "vitest";
import { decodeCommData } from "./comm-data.js";
import { decodeServiceTensor } from "./service-tensor.js";
import { decodeTensor, encodeTensor } from "./tensor-message.js";
import { floatsFromBits, listOf } from "./test-support.js";

/** `byteLength` bytes at `offset` inside a fresh ArrayBuffer, as a received Buffer would be. */
function bytesAt(offset: number, content: Uint8Array): { backing: ArrayBuffer; data: Buffer } {
  const backing = new ArrayBuffer(offset + content.byteLength + 8);
  const data = Buffer.from(backing, offset, content.byteLength);
  data.set(content);
  return { backing, data };
}

const FLOATS = new Uint8Array(Float32Array.from([1, 2, 3, 4]).buffer);

describe("decode returns a view on the received bytes where it can", () => {
  it("aligned float32: a view on the same ArrayBuffer; writing the buffer changes the values", () => {
    const { backing, data } = bytesAt(16, FLOATS);
    const t = decodeTensor({ shape: [4], dtype: "float32", data });
    expect(t.values.buffer).toBe(backing);
    new DataView(backing).setFloat32(16 + 4, 42, true);
    expect(t.values[1]).toBe(42);
  });

  it("unaligned float32: a copy; writing the buffer leaves the values alone", () => {
    const { backing, data } = bytesAt(3, FLOATS);
    const t = decodeTensor({ shape: [4], dtype: "float32", data });
    expect(t.values.buffer).not.toBe(backing);
    expect(listOf(t.values)).toEqual([1, 2, 3, 4]);
    new DataView(backing).setFloat32(3 + 4, 42, true);
    expect(t.values[1]).toBe(2);
  });

  it.each([
    ["int32", 4, 4, new Uint8Array(Int32Array.from([1, -2]).buffer)],
    ["int64", 8, 8, new Uint8Array(BigInt64Array.from([1n, -2n]).buffer)],
    ["uint8", 1, 1, Uint8Array.from([7, 200])],
    ["bool", 5, 1, Uint8Array.from([1, 0])],
  ] as const)(
    "%s at offset %i (aligned for its %i-byte elements): a view",
    (dtype, offset, _size, content) => {
      const { backing, data } = bytesAt(offset, content);
      const t = decodeTensor({ shape: [2], dtype, data });
      expect(t.values.buffer).toBe(backing);
      expect(Number(t.values[0])).not.toBe(0);
      new Uint8Array(backing)[offset] = 0; // every first element's low byte is non-zero
      expect(Number(t.values[0])).toBe(0);
    },
  );

  it("int64 aligned to 4 but not 8: a copy", () => {
    const { backing, data } = bytesAt(4, new Uint8Array(BigInt64Array.from([5n]).buffer));
    const t = decodeTensor({ shape: [1], dtype: "int64", data });
    expect(t.values.buffer).not.toBe(backing);
    expect(t.values[0]).toBe(5n);
  });

  it("bfloat16 already at bfloat16 precision: a view; otherwise a rounded copy, source untouched", () => {
    const exact = new Uint8Array(floatsFromBits([0x3f800000, 0x40000000]).buffer);
    const metadata = { original_mlx_dtype: "mlx.core.bfloat16" };
    const a = bytesAt(8, exact);
    expect(
      decodeTensor({ shape: [2], dtype: "float32", data: a.data, metadata }).values.buffer,
    ).toBe(a.backing);

    const inexact = new Uint8Array(floatsFromBits([0x3f800001, 0x40000000]).buffer);
    const b = bytesAt(8, inexact);
    const t = decodeTensor({ shape: [2], dtype: "float32", data: b.data, metadata });
    expect(t.values.buffer).not.toBe(b.backing);
    expect(new Uint32Array(b.backing, 8, 1)[0]).toBe(0x3f800001);
  });

  it("float16 always converts into a new Float32Array", () => {
    const { backing, data } = bytesAt(8, new Uint8Array(Uint16Array.from([0x3c00, 0xc000]).buffer));
    const t = decodeTensor({ shape: [2], dtype: "float16", data });
    expect(t.values.buffer).not.toBe(backing);
    expect(listOf(t.values)).toEqual([1, -2]);
  });

  it("CommData without gzip and tensor_service TensorData are views too", () => {
    const c = bytesAt(12, FLOATS);
    const fromComm = decodeCommData({
      data: "tensor_data",
      tensor_data: { data: c.data, shape: [4], dtype: "float32" },
      comm_type: "tensor",
      metadata: { compressed: "none" },
    });
    expect(fromComm.values.buffer).toBe(c.backing);
    const s = bytesAt(4, FLOATS);
    const fromService = decodeServiceTensor({
      tensor_id: "x",
      shape: [4],
      dtype: "float32",
      data: s.data,
      compression: "",
      device_source: "",
      device_target: "",
      timestamp: 0,
    });
    expect(fromService.values.buffer).toBe(s.backing);
  });
});

describe("encode does not copy what needs no conversion", () => {
  it("float32: the message's data is a view over the caller's values", () => {
    const values = Float32Array.from([1, 2, 3]);
    const msg = encodeTensor({ dtype: "float32", shape: [3], values });
    expect(msg.data.buffer).toBe(values.buffer);
    values[0] = 9; // documented ownership: the caller must not do this before sending
    expect(msg.data.readFloatLE(0)).toBe(9);
  });

  it("a subarray of a larger array: a view over just its bytes", () => {
    const whole = Int32Array.from([1, 2, 3, 4, 5]);
    const msg = encodeTensor({ dtype: "int32", shape: [2], values: whole.subarray(1, 3) });
    expect(msg.data.buffer).toBe(whole.buffer);
    expect(msg.data.byteOffset).toBe(4);
    expect(Array.from(new Int32Array(msg.data.buffer, msg.data.byteOffset, 2))).toEqual([2, 3]);
  });
});
