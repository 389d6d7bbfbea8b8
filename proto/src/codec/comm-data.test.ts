import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { listOf } from "./test-support.js";
import { decodeCommData, encodeCommData } from "./comm-data.js";
import type { HostTensor } from "./dtype.js";
import { DEFAULT_GZIP_ABOVE_BYTES } from "./gzip.js";
import { decodeServiceTensor, encodeServiceTensor } from "./service-tensor.js";

function ramp(count: number): HostTensor {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = i % 1000; // compressible, not all zeros
  return { dtype: "float32", shape: [count], values };
}

describe("CommData gzip rule", () => {
  it("uses the cluster's 1 MiB threshold by default", () => {
    expect(DEFAULT_GZIP_ABOVE_BYTES).toBe(1024 * 1024);
  });

  it("does not gzip a tensor of exactly 1 MiB, and says so in the metadata", () => {
    const t = ramp(DEFAULT_GZIP_ABOVE_BYTES / 4);
    const msg = encodeCommData(t);
    expect(msg.metadata).toEqual({
      compressed: "none",
      original_size: String(DEFAULT_GZIP_ABOVE_BYTES),
      compression_ratio: "1.0000",
    });
    expect(msg.tensor_data?.data.byteLength).toBe(DEFAULT_GZIP_ABOVE_BYTES);
    expect(msg.data).toBe("tensor_data");
    expect(msg.comm_type).toBe("tensor");
  });

  it("gzips a tensor one element over 1 MiB, with original_size and the ratio", () => {
    const t = ramp(DEFAULT_GZIP_ABOVE_BYTES / 4 + 1);
    const msg = encodeCommData(t, { commType: "activation" });
    const sent = msg.tensor_data?.data ?? Buffer.alloc(0);
    const original = DEFAULT_GZIP_ABOVE_BYTES + 4;
    expect(msg.metadata["compressed"]).toBe("gzip");
    expect(msg.metadata["original_size"]).toBe(String(original));
    expect(msg.metadata["compression_ratio"]).toBe((original / sent.byteLength).toFixed(4));
    expect(sent.byteLength).toBeLessThan(original / 2);
    expect(msg.comm_type).toBe("activation");
    // The payload is plain gzip of the raw little-endian bytes: any peer can gunzip it.
    expect(Buffer.compare(gunzipSync(sent), Buffer.from(t.values.buffer))).toBe(0);
    expect(listOf(decodeCommData(msg).values.subarray(998, 1002))).toEqual([998, 999, 0, 1]);
  });

  it("honours a custom threshold on the wire size (float16 counts 2 bytes per element)", () => {
    const t: HostTensor = { dtype: "float16", shape: [60], values: new Float32Array(60) };
    expect(encodeCommData(t, { gzipAboveBytes: 120 }).metadata["compressed"]).toBe("none");
    expect(encodeCommData(t, { gzipAboveBytes: 119 }).metadata["compressed"]).toBe("gzip");
  });

  it("adds the bfloat16 marker next to the compression metadata", () => {
    const msg = encodeCommData({
      dtype: "bfloat16",
      shape: [2],
      values: Float32Array.from([1, 2]),
    });
    expect(msg.metadata).toEqual({
      compressed: "none",
      original_size: "8",
      compression_ratio: "1.0000",
      original_mlx_dtype: "mlx.core.bfloat16",
    });
    expect(decodeCommData(msg).dtype).toBe("bfloat16");
  });
});

describe("tensor_service TensorData compression", () => {
  it("writes 'none' by default and the caller's fields as given", () => {
    const msg = encodeServiceTensor(ramp(4), {
      tensorId: "layer3",
      deviceSource: "mini1",
      deviceTarget: "mini2",
      timestamp: 1700000000.25,
    });
    expect(msg).toMatchObject({
      tensor_id: "layer3",
      shape: [4],
      dtype: "float32",
      compression: "none",
      device_source: "mini1",
      device_target: "mini2",
      timestamp: 1700000000.25,
    });
    expect(msg.data.byteLength).toBe(16);
  });

  it("gzips when asked, whatever the size, and decodes it back", () => {
    const msg = encodeServiceTensor(ramp(3), { tensorId: "g", compression: "gzip" });
    expect(msg.compression).toBe("gzip");
    expect(Array.from(gunzipSync(msg.data))).toEqual(
      Array.from(new Uint8Array(Float32Array.from([0, 1, 2]).buffer)),
    );
    expect(listOf(decodeServiceTensor(msg).values)).toEqual([0, 1, 2]);
  });

  it("keeps bfloat16 in dtype (no metadata map in this message) with float32 element bytes", () => {
    const msg = encodeServiceTensor(
      { dtype: "bfloat16", shape: [1], values: Float32Array.from([1.5]) },
      { tensorId: "b" },
    );
    expect(msg.dtype).toBe("bfloat16");
    expect(msg.data.readFloatLE(0)).toBe(1.5);
  });
});
