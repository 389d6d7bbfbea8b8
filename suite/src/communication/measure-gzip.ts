import { encodeServiceTensor, type TensorServiceClient } from "@mlxbench/proto";
import { describeError } from "../errors.js";
import type { GzipFigures } from "../results/index.js";
import { makeActivationTensor } from "../tensor-fixtures.js";
import type { CommunicationOptions } from "./communication-options.js";
import { sendTensorOrThrow } from "./send-tensor-or-throw.js";

/** SendTensor of one large activation with and without gzip, alternating; null when a call failed. */
export async function measureGzip(
  tensors: TensorServiceClient,
  opts: Pick<CommunicationOptions, "server" | "iterations" | "quick">,
  now: () => number,
  errors: string[],
): Promise<GzipFigures | null> {
  const bytes = opts.quick ? 1024 * 1024 : 4 * 1024 * 1024;
  const tensor = makeActivationTensor(bytes, 5);
  const reps = Math.max(2, Math.min(opts.iterations, 10));
  const plainSendMs: number[] = [];
  const gzipSendMs: number[] = [];
  let compressedBytes = 0;
  try {
    for (let i = 0; i < reps; i++) {
      for (const compression of ["none", "gzip"] as const) {
        // Encoding is part of the cost: gzip spends CPU to save bytes on the wire.
        const t0 = now();
        const msg = encodeServiceTensor(tensor, {
          tensorId: `mlxbench-gzip-${compression}`,
          compression,
        });
        await sendTensorOrThrow(tensors, opts.server, msg, "");
        (compression === "gzip" ? gzipSendMs : plainSendMs).push(now() - t0);
        if (compression === "gzip") compressedBytes = msg.data.byteLength;
      }
    }
  } catch (err) {
    errors.push(`gzip on/off: ${describeError(err)}`);
    return null;
  }
  return {
    bytes,
    plainSendMs,
    gzipSendMs,
    compressedBytes,
    ratio: bytes / Math.max(1, compressedBytes),
  };
}
