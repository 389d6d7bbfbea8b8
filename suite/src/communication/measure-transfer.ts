import { encodeServiceTensor, type TensorServiceClient } from "@mlxbench/proto";
import type { ProgressReporter } from "../deps.js";
import { describeError } from "../errors.js";
import { formatBytes } from "../metric.js";
import type { TransferPoint } from "../results/index.js";
import { makeActivationTensor } from "../tensor-fixtures.js";
import { TRANSFER_BUDGET_BYTES, type CommunicationOptions } from "./communication-options.js";
import { sendTensorOrThrow } from "./send-tensor-or-throw.js";

/** Transfer throughput by payload size (TensorService.SendTensor); a failed size is an error. */
export async function measureTransfer(
  tensors: TensorServiceClient,
  opts: Pick<CommunicationOptions, "server" | "iterations" | "transferSizes">,
  now: () => number,
  progress: ProgressReporter,
  errors: string[],
): Promise<TransferPoint[]> {
  const transfer: TransferPoint[] = [];
  for (const bytes of opts.transferSizes) {
    const reps = Math.max(2, Math.min(opts.iterations, Math.floor(TRANSFER_BUDGET_BYTES / bytes)));
    const tensor = makeActivationTensor(bytes, bytes);
    const msg = encodeServiceTensor(tensor, {
      tensorId: `mlxbench-transfer-${bytes}`,
      compression: "none",
    });
    const point: TransferPoint = { bytes, sendMs: [], mibPerS: [] };
    try {
      for (let i = 0; i < reps; i++) {
        const t0 = now();
        await sendTensorOrThrow(tensors, opts.server, msg, ` ${formatBytes(bytes)}`);
        const ms = now() - t0;
        point.sendMs.push(ms);
        point.mibPerS.push(bytes / (1024 * 1024) / (ms / 1000));
      }
      transfer.push(point);
    } catch (err) {
      errors.push(`transfer ${formatBytes(bytes)}: ${describeError(err)}`);
    }
    progress.advance(1, `transfer ${formatBytes(bytes)}`);
  }
  return transfer;
}
