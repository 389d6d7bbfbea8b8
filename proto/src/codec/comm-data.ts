// mlx_distributed.comm.CommData carrying tensor_data, with the cluster sender's gzip rule.
import type { CommData } from "../grpc/messages.js";
import { assertLittleEndianHost } from "./assert-little-endian.js";
import { markBfloat16, resolveHostDType, wireDTypeOf } from "./bfloat16-metadata.js";
import { type HostTensor, WIRE_ELEMENT_BYTES, countElements } from "./dtype.js";
import { DEFAULT_GZIP_ABOVE_BYTES, gunzipBytes, gzipBytes } from "./gzip.js";
import { TensorCodecError } from "./tensor-codec-error.js";
import { fromWireBytes, toWireBytes } from "./wire-bytes.js";

export const DEFAULT_COMM_TYPE = "tensor";

export interface EncodeCommDataOptions {
  /** Gzip when the wire bytes exceed this many (default 1 MiB, the cluster's rule). */
  gzipAboveBytes?: number;
  /** CommData.comm_type (default "tensor"). */
  commType?: string;
}

function formatRatio(ratio: number): string {
  return ratio.toFixed(4);
}

export function encodeCommData(t: HostTensor, opts: EncodeCommDataOptions = {}): CommData {
  assertLittleEndianHost();
  const threshold = opts.gzipAboveBytes ?? DEFAULT_GZIP_ABOVE_BYTES;
  if (!(threshold >= 0)) {
    throw new TensorCodecError(`encodeCommData: gzipAboveBytes must be >= 0, got ${threshold}`);
  }
  const raw = toWireBytes(t, "encodeCommData");
  const gzip = raw.byteLength > threshold;
  const data = gzip ? gzipBytes(raw) : raw;
  const metadata = markBfloat16(
    t.dtype,
    {
      compressed: gzip ? "gzip" : "none",
      original_size: String(raw.byteLength),
      compression_ratio: formatRatio(data.byteLength === 0 ? 1 : raw.byteLength / data.byteLength),
    },
    "encodeCommData",
  );
  return {
    data: "tensor_data",
    tensor_data: { data, shape: [...t.shape], dtype: wireDTypeOf(t.dtype) },
    comm_type: opts.commType ?? DEFAULT_COMM_TYPE,
    metadata,
  };
}

export function decodeCommData(msg: CommData): HostTensor {
  assertLittleEndianHost();
  const member =
    msg.data ??
    (msg.tensor_data
      ? "tensor_data"
      : msg.pickle_data
        ? "pickle_data"
        : msg.numpy_data
          ? "numpy_data"
          : undefined);
  if (member !== undefined && member !== "tensor_data") {
    throw new TensorCodecError(
      `CommData carries ${member}, not tensor_data; only tensor_data holds a tensor the codec can decode`,
    );
  }
  const td = msg.tensor_data;
  if (!td) throw new TensorCodecError("CommData has no tensor_data");
  const metadata = msg.metadata ?? {};
  const dtype = resolveHostDType(td.dtype, metadata, "CommData");
  const compressed = metadata["compressed"] ?? "none";
  let data: Uint8Array = td.data;
  if (compressed === "gzip") {
    const expected = countElements(td.shape, "CommData") * WIRE_ELEMENT_BYTES[dtype];
    data = gunzipBytes(td.data, expected, "CommData");
  } else if (compressed !== "none") {
    throw new TensorCodecError(
      `CommData: unknown metadata compressed=${JSON.stringify(compressed)}; expected "gzip" or "none"`,
    );
  }
  const originalSize = metadata["original_size"];
  if (originalSize !== undefined && originalSize !== String(data.byteLength)) {
    throw new TensorCodecError(
      `CommData: metadata original_size=${originalSize} but the tensor data holds ${data.byteLength} bytes` +
        (compressed === "gzip" ? " after gunzip" : ""),
    );
  }
  return fromWireBytes(
    dtype,
    td.shape,
    data,
    compressed === "gzip" ? "CommData (after gunzip)" : "CommData",
  );
}
