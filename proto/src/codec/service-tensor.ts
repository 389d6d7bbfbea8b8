// tensor_service.TensorData. It has no metadata map, so the contract's bfloat16 marker cannot
// travel: a bfloat16 tensor keeps dtype "bfloat16" with the same float32 element bytes as in the
// other messages (byteLengthOf), which is the only place the dtype can survive.
import type { ServiceTensorData } from "../grpc/messages.js";
import { assertLittleEndianHost } from "./assert-little-endian.js";
import { type HostTensor, WIRE_ELEMENT_BYTES, checkDType, countElements } from "./dtype.js";
import { gunzipBytes, gzipBytes } from "./gzip.js";
import { TensorCodecError } from "./tensor-codec-error.js";
import { fromWireBytes, toWireBytes } from "./wire-bytes.js";

/** Shape is repeated int32 here. */
const INT32_MAX = 2 ** 31 - 1;

export interface EncodeServiceTensorOptions {
  tensorId: string;
  /** Default "none". */
  compression?: "none" | "gzip";
  deviceSource?: string;
  deviceTarget?: string;
  /** Seconds since the epoch, from the caller's clock; 0 (unset) when not given. */
  timestamp?: number;
}

export function encodeServiceTensor(
  t: HostTensor,
  opts: EncodeServiceTensorOptions,
): ServiceTensorData {
  assertLittleEndianHost();
  const compression = opts.compression ?? "none";
  if (compression !== "none" && compression !== "gzip") {
    throw new TensorCodecError(
      `encodeServiceTensor: unknown compression ${JSON.stringify(compression)}; expected "none" or "gzip"`,
    );
  }
  const raw = toWireBytes(t, "encodeServiceTensor", INT32_MAX);
  return {
    tensor_id: opts.tensorId,
    shape: [...t.shape],
    dtype: t.dtype,
    data: compression === "gzip" ? gzipBytes(raw) : raw,
    compression,
    device_source: opts.deviceSource ?? "",
    device_target: opts.deviceTarget ?? "",
    timestamp: opts.timestamp ?? 0,
  };
}

export function decodeServiceTensor(msg: ServiceTensorData): HostTensor {
  assertLittleEndianHost();
  const where = `TensorData ${JSON.stringify(msg.tensor_id)}`;
  const dtype = checkDType(msg.dtype, where);
  switch (msg.compression) {
    case "":
    case "none":
      return fromWireBytes(dtype, msg.shape, msg.data, where);
    case "gzip": {
      const expected = countElements(msg.shape, where) * WIRE_ELEMENT_BYTES[dtype];
      return fromWireBytes(
        dtype,
        msg.shape,
        gunzipBytes(msg.data, expected, where),
        `${where} (after gunzip)`,
      );
    }
    default:
      throw new TensorCodecError(
        `${where}: unknown compression ${JSON.stringify(msg.compression)}; expected "", "none" or "gzip"`,
      );
  }
}
