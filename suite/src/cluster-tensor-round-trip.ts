import { randomUUID } from "node:crypto";
import type { Client } from "@grpc/grpc-js";
import type { HostTensor, TensorServiceClient } from "@mlxbench/proto";
import { decodeServiceTensor, encodeServiceTensor } from "@mlxbench/proto";
import { callGrpc } from "./grpc-call.js";
import { tensorsIdentical } from "./tensor-fixtures.js";

export interface TensorRoundTrip {
  tensorId: string;
  sendMs: number;
  getMs: number;
  exact: boolean;
  /** Bytes of the TensorData payload sent (after gzip, when used). */
  payloadBytes: number;
}

/**
 * Stores a tensor on a device with TensorService.SendTensor and fetches it back with GetTensor:
 * the round trip through the cluster's own gRPC and serialization. Throws on any failed call.
 */
export async function roundTripTensor(
  client: TensorServiceClient,
  target: string,
  tensor: HostTensor,
  opts: { compression: "none" | "gzip"; timeoutMs: number; now: () => number; tensorId?: string },
): Promise<TensorRoundTrip> {
  const tensorId = opts.tensorId ?? `mlxbench-${randomUUID()}`;
  const msg = encodeServiceTensor(tensor, {
    tensorId,
    compression: opts.compression,
    deviceSource: "mlxbench",
  });
  const c = client as Client & TensorServiceClient;
  const t0 = opts.now();
  const sent = await callGrpc(
    c,
    target,
    "TensorService.SendTensor",
    c.SendTensor,
    { tensor: msg },
    opts.timeoutMs,
  );
  const t1 = opts.now();
  if (!sent.success)
    throw new Error(
      `TensorService.SendTensor on ${target} refused tensor ${tensorId}: ${sent.message}`,
    );
  const got = await callGrpc(
    c,
    target,
    "TensorService.GetTensor",
    c.GetTensor,
    { tensor_id: tensorId, timeout: opts.timeoutMs / 1000 },
    opts.timeoutMs,
  );
  const t2 = opts.now();
  if (!got.success || !got.tensor) {
    throw new Error(
      `TensorService.GetTensor on ${target} did not return tensor ${tensorId}: ${got.message}`,
    );
  }
  const back = decodeServiceTensor(got.tensor);
  return {
    tensorId,
    sendMs: t1 - t0,
    getMs: t2 - t1,
    exact: tensorsIdentical(tensor, back),
    payloadBytes: msg.data.byteLength,
  };
}
