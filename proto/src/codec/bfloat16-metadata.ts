import { type DType, checkDType } from "./dtype.js";
import { TensorCodecError } from "./tensor-codec-error.js";

/** The contract's marker for a bfloat16 tensor carried as float32. */
export const ORIGINAL_MLX_DTYPE_KEY = "original_mlx_dtype";
export const MLX_BFLOAT16 = "mlx.core.bfloat16";

/** The wire dtype of a Tensor or comm TensorData: bfloat16 travels as float32. */
export function wireDTypeOf(dtype: DType): Exclude<DType, "bfloat16"> {
  return dtype === "bfloat16" ? "float32" : dtype;
}

/** Metadata to send: the caller's, plus the bfloat16 marker when the tensor is bfloat16. */
export function markBfloat16(
  dtype: DType,
  metadata: Readonly<Record<string, string>>,
  where: string,
): Record<string, string> {
  const out = { ...metadata };
  if (dtype === "bfloat16") out[ORIGINAL_MLX_DTYPE_KEY] = MLX_BFLOAT16;
  else if (out[ORIGINAL_MLX_DTYPE_KEY] === MLX_BFLOAT16) {
    throw new TensorCodecError(
      `${where}: metadata ${ORIGINAL_MLX_DTYPE_KEY}=${MLX_BFLOAT16} contradicts dtype ${dtype}`,
    );
  }
  return out;
}

/** The host dtype of a received tensor: float32 marked as MLX bfloat16 is restored to bfloat16. */
export function resolveHostDType(
  wireDtype: unknown,
  metadata: Readonly<Record<string, string>> | undefined,
  where: string,
): DType {
  const dtype = checkDType(wireDtype, where);
  if (metadata?.[ORIGINAL_MLX_DTYPE_KEY] !== MLX_BFLOAT16) return dtype;
  if (dtype !== "float32" && dtype !== "bfloat16") {
    throw new TensorCodecError(
      `${where}: metadata ${ORIGINAL_MLX_DTYPE_KEY}=${MLX_BFLOAT16} needs dtype float32 (bfloat16 travels as float32), got ${dtype}`,
    );
  }
  return "bfloat16";
}
