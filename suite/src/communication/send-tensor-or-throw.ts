import type { encodeServiceTensor, TensorServiceClient } from "@mlxbench/proto";
import { GrpcCallError } from "../errors.js";
import { callGrpc } from "../grpc-call.js";
import { TIMEOUT_MS } from "./communication-options.js";

/** Sends one large tensor with the long timeout; a refusal (`success: false`) is an error too. */
export async function sendTensorOrThrow(
  tensors: TensorServiceClient,
  server: string,
  tensor: ReturnType<typeof encodeServiceTensor>,
  /** Appended to "SendTensor refused" to say what was refused, e.g. " 1 MiB"; "" for nothing. */
  what: string,
): Promise<void> {
  const res = await callGrpc(
    tensors,
    server,
    "TensorService.SendTensor",
    tensors.SendTensor,
    { tensor },
    TIMEOUT_MS * 3,
  );
  if (!res.success)
    throw new GrpcCallError(
      `SendTensor refused${what}: ${res.message}`,
      server,
      "TensorService.SendTensor",
    );
}
