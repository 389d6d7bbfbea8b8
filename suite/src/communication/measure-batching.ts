import { randomUUID } from "node:crypto";
import {
  encodeCommData,
  encodeServiceTensor,
  type DistributedCommClient,
  type ReceiveResponse,
  type TensorServiceClient,
} from "@mlxbench/proto";
import { describeError, GrpcCallError } from "../errors.js";
import { callGrpc, isUnimplemented } from "../grpc-call.js";
import type { BatchingFigures, ServiceAvailability } from "../results/index.js";
import { makeActivationTensor } from "../tensor-fixtures.js";
import { TIMEOUT_MS, type CommunicationOptions } from "./communication-options.js";

/** The same small messages sent one after another, all at once, and through one stream. */
export async function measureBatching(
  tensors: TensorServiceClient,
  comm: DistributedCommClient,
  opts: Pick<CommunicationOptions, "server" | "iterations">,
  now: () => number,
  services: ServiceAvailability,
  errors: string[],
): Promise<BatchingFigures> {
  const messages = Math.max(2, Math.min(opts.iterations, 32));
  const bytes = 16 * 1024;
  const tensor = makeActivationTensor(bytes, 11);
  const notes: string[] = [];
  const send = (i: number) =>
    callGrpc(
      tensors,
      opts.server,
      "TensorService.SendTensor",
      tensors.SendTensor,
      {
        tensor: encodeServiceTensor(tensor, {
          tensorId: `mlxbench-batch-${i}`,
          compression: "none",
        }),
      },
      TIMEOUT_MS,
    );
  const figures: BatchingFigures = {
    messages,
    bytesPerMessage: bytes,
    sequentialMs: null,
    concurrentMs: null,
    streamedMs: null,
    notes,
  };
  try {
    const t0 = now();
    for (let i = 0; i < messages; i++) await send(i);
    figures.sequentialMs = now() - t0;
  } catch (err) {
    errors.push(`batching (sequential): ${describeError(err)}`);
  }
  try {
    const t0 = now();
    await Promise.all(Array.from({ length: messages }, (_, i) => send(i)));
    figures.concurrentMs = now() - t0;
  } catch (err) {
    errors.push(`batching (concurrent): ${describeError(err)}`);
  }
  // streamed: one DistributedComm.Receive stream delivers every message sent to it
  try {
    figures.streamedMs = await measureStreamed(comm, opts.server, tensor, messages, now);
    services["DistributedComm"] = "available";
  } catch (err) {
    if (isUnimplemented(err)) {
      services["DistributedComm"] = "not available";
      notes.push("DistributedComm not available on the server: no streamed figure");
    } else errors.push(`batching (streamed): ${describeError(err)}`);
  }
  return figures;
}

function measureStreamed(
  comm: DistributedCommClient,
  server: string,
  tensor: ReturnType<typeof makeActivationTensor>,
  messages: number,
  now: () => number,
): Promise<number> {
  const tag = `mlxbench-stream-${randomUUID()}`;
  const data = encodeCommData(tensor);
  return new Promise<number>((resolve, reject) => {
    const stream = comm.Receive(
      { receiver_rank: 0, source_rank: 0, tag, comm_type: "tensor" },
      { deadline: Date.now() + TIMEOUT_MS * 3 },
    );
    let received = 0;
    let t0 = 0;
    let settled = false;
    const finish = (err: Error | null, ms?: number): void => {
      if (settled) return;
      settled = true;
      stream.cancel();
      if (err) reject(err);
      else resolve(ms ?? 0);
    };
    stream.on("data", (_m: ReceiveResponse) => {
      received++;
      if (received === messages) finish(null, now() - t0);
    });
    stream.on("error", (err: Error) => {
      finish(
        new GrpcCallError(
          `DistributedComm.Receive on ${server} failed: ${err.message}`,
          server,
          "DistributedComm.Receive",
          { cause: err },
        ),
      );
    });
    t0 = now();
    Promise.all(
      Array.from({ length: messages }, () =>
        callGrpc(
          comm,
          server,
          "DistributedComm.Send",
          comm.Send,
          { source_rank: 0, dest_rank: 0, data, tag },
          TIMEOUT_MS,
        ),
      ),
    ).then(
      (responses) => {
        const refused = responses.find((r) => !r.success);
        if (refused)
          finish(
            new GrpcCallError(
              `DistributedComm.Send refused: ${refused.message}`,
              server,
              "DistributedComm.Send",
            ),
          );
      },
      (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
    );
  });
}
