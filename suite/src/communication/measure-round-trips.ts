import { computeMedian } from "@mlxbench/verdict/stats";
import { createDistributedInferenceClient, createTensorServiceClient } from "@mlxbench/proto";
import { callGrpc, isUnimplemented } from "../grpc-call.js";
import { finiteOrNull } from "../metric.js";
import { grpcOverhead, measureRawRoundTrips, splitHostPort } from "../raw-tcp-round-trip.js";
import type { RoundTripFigures, ServiceAvailability } from "../results/index.js";
import { TIMEOUT_MS } from "./communication-options.js";

/** Warm unary health RPC vs HTTP/2 PING on a bare socket, on one device. */
export async function measureRoundTrips(
  deviceId: string,
  target: string,
  iterations: number,
  now: () => number,
  services: ServiceAvailability,
): Promise<RoundTripFigures> {
  const tensors = createTensorServiceClient(target);
  const inference = createDistributedInferenceClient(target);
  try {
    // The first health RPC the server implements; UNIMPLEMENTED means the capability is absent.
    let rpc: () => Promise<unknown>;
    let rpcName = "TensorService.HealthCheck";
    try {
      await callGrpc(
        tensors,
        target,
        rpcName,
        tensors.HealthCheck,
        { device_id: deviceId },
        TIMEOUT_MS,
      );
      services["TensorService"] ??= "available";
      rpc = () =>
        callGrpc(
          tensors,
          target,
          rpcName,
          tensors.HealthCheck,
          { device_id: deviceId },
          TIMEOUT_MS,
        );
    } catch (err) {
      if (!isUnimplemented(err)) throw err;
      services["TensorService"] ??= "not available";
      rpcName = "DistributedInference.HealthCheck";
      await callGrpc(
        inference,
        target,
        rpcName,
        inference.HealthCheck,
        { include_stats: false },
        TIMEOUT_MS,
      );
      rpc = () =>
        callGrpc(
          inference,
          target,
          rpcName,
          inference.HealthCheck,
          { include_stats: false },
          TIMEOUT_MS,
        );
    }
    for (let i = 0; i < 3; i++) await rpc(); // warm the channel and the server's code paths
    const unaryRttMs: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = now();
      await rpc();
      unaryRttMs.push(now() - t0);
    }
    const { host, port } = splitHostPort(target);
    const raw = await measureRawRoundTrips(host, port, iterations, { now });
    const grpcMedian = finiteOrNull(computeMedian(unaryRttMs));
    const rawMedian = finiteOrNull(computeMedian(raw.rttMs));
    if (grpcMedian === null || rawMedian === null) throw new Error("no round trips measured");
    const { pct, category } = grpcOverhead(grpcMedian, rawMedian);
    return {
      target,
      deviceId,
      rpc: rpcName,
      unaryRttMs,
      rawRttMs: raw.rttMs,
      tcpConnectMs: raw.connectMs,
      overheadPct: pct,
      category,
    };
  } finally {
    tensors.close();
    inference.close();
  }
}
