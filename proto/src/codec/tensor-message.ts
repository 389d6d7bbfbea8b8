// mlx_distributed.Tensor: shape, numpy dtype name, raw little-endian bytes, metadata.
import type { Tensor } from "../grpc/messages.js";
import { markBfloat16, resolveHostDType, wireDTypeOf } from "./bfloat16-metadata.js";
import { assertLittleEndianHost } from "./assert-little-endian.js";
import type { HostTensor } from "./dtype.js";
import { fromWireBytes, toWireBytes } from "./wire-bytes.js";

/** The message's `data` may share memory with `t.values` (see wire-bytes.ts on ownership). */
export function encodeTensor(t: HostTensor, metadata: Record<string, string> = {}): Tensor {
  assertLittleEndianHost();
  const data = toWireBytes(t, "encodeTensor");
  return {
    shape: [...t.shape],
    dtype: wireDTypeOf(t.dtype),
    data,
    metadata: markBfloat16(t.dtype, metadata, "encodeTensor"),
  };
}

/** The returned values are a view on `msg.data` when it is aligned and needs no conversion. */
export function decodeTensor(msg: {
  shape: readonly number[];
  dtype: string;
  data: Uint8Array;
  metadata?: Record<string, string>;
}): HostTensor {
  assertLittleEndianHost();
  const dtype = resolveHostDType(msg.dtype, msg.metadata, "Tensor");
  return fromWireBytes(dtype, msg.shape, msg.data, "Tensor");
}
