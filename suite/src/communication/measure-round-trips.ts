import { computeMedian } from "@mlxbench/verdict/stats";
import {
  createDistributedInferenceClient,
  createTensorServiceClient,
  type DistributedInferenceClient,
  type TensorServiceClient,
} from "@mlxbench/proto";
import { callGrpc, isUnimplemented } from "../grpc-call.js";
import { finiteOrNull } from "../metric.js";
import { grpcOverhead, openRawPingSession, splitHostPort } from "../raw-tcp-round-trip.js";
import type { RoundTripFigures, ServiceAvailability } from "../results/index.js";
import { TIMEOUT_MS } from "./communication-options.js";

type HealthRpc = "TensorService.HealthCheck" | "DistributedInference.HealthCheck";

/** One health call to `target`, by the RPC the cluster answers. */
function healthCall(
  rpcName: HealthRpc,
  target: string,
  deviceId: string,
  tensors: TensorServiceClient,
  inference: DistributedInferenceClient,
): () => Promise<unknown> {
  return rpcName === "TensorService.HealthCheck"
    ? () =>
        callGrpc(tensors, target, rpcName, tensors.HealthCheck, { device_id: deviceId }, TIMEOUT_MS)
    : () =>
        callGrpc(
          inference,
          target,
          rpcName,
          inference.HealthCheck,
          { include_stats: false },
          TIMEOUT_MS,
        );
}

/**
 * Warm unary health RPC vs HTTP/2 PING on a bare socket, on one device. With `referenceTarget` (a
 * bare grpc-js server with no-op handlers, see startGrpcReferenceServer) the same call and the same
 * PING to the reference are measured sample by sample between the device's, so both see the same
 * moments of a shared machine: what gRPC itself costs here, beside what the device's gRPC costs.
 */
export async function measureRoundTrips(
  deviceId: string,
  target: string,
  iterations: number,
  now: () => number,
  services: ServiceAvailability,
  referenceTarget?: string,
): Promise<RoundTripFigures> {
  const tensors = createTensorServiceClient(target);
  const inference = createDistributedInferenceClient(target);
  const refTensors = referenceTarget ? createTensorServiceClient(referenceTarget) : null;
  const refInference = referenceTarget ? createDistributedInferenceClient(referenceTarget) : null;
  const sessions: { close(): void }[] = [];
  try {
    // The first health RPC the server implements; UNIMPLEMENTED means the capability is absent.
    let rpcName: HealthRpc = "TensorService.HealthCheck";
    try {
      await healthCall(rpcName, target, deviceId, tensors, inference)();
      services["TensorService"] ??= "available";
    } catch (err) {
      if (!isUnimplemented(err)) throw err;
      services["TensorService"] ??= "not available";
      rpcName = "DistributedInference.HealthCheck";
      await healthCall(rpcName, target, deviceId, tensors, inference)();
    }
    const rpc = healthCall(rpcName, target, deviceId, tensors, inference);
    const refRpc =
      referenceTarget && refTensors && refInference
        ? healthCall(rpcName, referenceTarget, deviceId, refTensors, refInference)
        : null;
    // warm the channels and the servers' code paths
    for (let i = 0; i < 3; i++) {
      await rpc();
      await refRpc?.();
    }
    const { host, port } = splitHostPort(target);
    const raw = await openRawPingSession(host, port, { now });
    sessions.push(raw);
    let refRaw: Awaited<ReturnType<typeof openRawPingSession>> | null = null;
    if (referenceTarget) {
      const ref = splitHostPort(referenceTarget);
      refRaw = await openRawPingSession(ref.host, ref.port, { now });
      sessions.push(refRaw);
    }
    const time = async (f: () => Promise<unknown>): Promise<number> => {
      const t0 = now();
      await f();
      return now() - t0;
    };
    const unaryRttMs: number[] = [];
    const rawRttMs: number[] = [];
    const refUnaryRttMs: number[] = [];
    const refRawRttMs: number[] = [];
    for (let i = 0; i < iterations; i++) {
      // Alternate who goes first, so neither always follows the other's wake-up.
      const deviceFirst = i % 2 === 0;
      if (deviceFirst || !refRpc) unaryRttMs.push(await time(rpc));
      if (refRpc) refUnaryRttMs.push(await time(refRpc));
      if (!deviceFirst && refRpc) unaryRttMs.push(await time(rpc));
      if (deviceFirst || !refRaw) rawRttMs.push(await raw.ping());
      if (refRaw) refRawRttMs.push(await refRaw.ping());
      if (!deviceFirst && refRaw) rawRttMs.push(await raw.ping());
    }
    const grpcMedian = finiteOrNull(computeMedian(unaryRttMs));
    const rawMedian = finiteOrNull(computeMedian(rawRttMs));
    if (grpcMedian === null || rawMedian === null) throw new Error("no round trips measured");
    const { pct, category } = grpcOverhead(grpcMedian, rawMedian);
    return {
      target,
      deviceId,
      rpc: rpcName,
      unaryRttMs,
      rawRttMs,
      tcpConnectMs: raw.connectMs,
      overheadPct: pct,
      category,
      ...(referenceTarget
        ? {
            reference: {
              target: referenceTarget,
              unaryRttMs: refUnaryRttMs,
              rawRttMs: refRawRttMs,
            },
          }
        : {}),
    };
  } finally {
    for (const s of sessions) s.close();
    tensors.close();
    inference.close();
    refTensors?.close();
    refInference?.close();
  }
}
