// The tensor codec: host typed arrays <-> the cluster's tensor messages (contract: raw
// little-endian element bytes, numpy dtype names, bfloat16 carried as float32). Little-endian
// hosts only. See wire-bytes.ts for who owns the memory of encoded and decoded tensors.
export { TensorCodecError } from "./tensor-codec-error.js";
export {
  DTYPES,
  type DType,
  type TensorValues,
  type HostTensor,
  isDType,
  byteLengthOf,
  WIRE_ELEMENT_BYTES,
} from "./dtype.js";
export { ORIGINAL_MLX_DTYPE_KEY, MLX_BFLOAT16 } from "./bfloat16-metadata.js";
export { DEFAULT_GZIP_ABOVE_BYTES } from "./gzip.js";
export { encodeTensor, decodeTensor } from "./tensor-message.js";
export {
  encodeCommData,
  decodeCommData,
  DEFAULT_COMM_TYPE,
  type EncodeCommDataOptions,
} from "./comm-data.js";
export {
  encodeServiceTensor,
  decodeServiceTensor,
  type EncodeServiceTensorOptions,
} from "./service-tensor.js";
export { float32BitsToFloat16Bits, float16BitsToFloat32Bits } from "./float16.js";
export { roundFloat32BitsToBfloat16 } from "./bfloat16.js";
