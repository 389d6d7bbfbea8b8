import { constants, gunzipSync, gzipSync } from "node:zlib";
import { TensorCodecError } from "./tensor-codec-error.js";

/** The cluster's sender gzips tensors whose wire bytes exceed 1 MiB. */
export const DEFAULT_GZIP_ABOVE_BYTES = 1024 * 1024;

// Float tensors barely compress; the fastest level keeps a 64 MiB send from costing seconds.
const GZIP_LEVEL = constants.Z_BEST_SPEED;

export function gzipBytes(data: Uint8Array): Buffer {
  return gzipSync(data, { level: GZIP_LEVEL });
}

/**
 * Inflates gzip data that must hold exactly `expectedBytes` (known from shape and dtype), so a
 * corrupt or hostile stream can never make us allocate more than the tensor needs.
 */
export function gunzipBytes(data: Uint8Array, expectedBytes: number, where: string): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: Math.max(expectedBytes, 1) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === "ERR_BUFFER_TOO_LARGE"
        ? `inflates beyond the ${expectedBytes} bytes its shape and dtype allow`
        : `is corrupt (${error instanceof Error ? error.message : String(error)})`;
    throw new TensorCodecError(`${where}: gzip data ${reason}`, { cause: error });
  }
}
