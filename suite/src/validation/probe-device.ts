import {
  DTYPES,
  createDistributedInferenceClient,
  createTensorServiceClient,
} from "@mlxbench/proto";
import { roundTripTensor } from "../cluster-tensor-round-trip.js";
import type { SuiteDeps } from "../deps.js";
import type { DeviceAddress } from "../device-addresses.js";
import { describeError } from "../errors.js";
import { callGrpc, isUnimplemented } from "../grpc-call.js";
import type { DeviceProbe } from "../results/index.js";
import { makeTensor } from "../tensor-fixtures.js";

export const GRPC_TIMEOUT_MS = 5000;

/** How one gRPC service answered its HealthCheck. */
interface ServiceHealth {
  /** What the probe reports: "ok", "unhealthy (…)", "not available" or the call's error. */
  status: string;
  /** It answered, even if only to say it is not implemented: the device is reachable. */
  answered: boolean;
  /** It implements HealthCheck, so the service is there. */
  implemented: boolean;
  healthy: boolean;
}

/** Runs one HealthCheck; `check` gives its verdict and, when unhealthy, the service's note. */
async function checkServiceHealth(
  check: () => Promise<{ healthy: boolean; note: string }>,
): Promise<ServiceHealth> {
  try {
    const h = await check();
    return {
      status: h.healthy ? "ok" : `unhealthy (${h.note})`,
      answered: true,
      implemented: true,
      healthy: h.healthy,
    };
  } catch (err) {
    if (isUnimplemented(err))
      return { status: "not available", answered: true, implemented: false, healthy: false };
    return { status: describeError(err), answered: false, implemented: false, healthy: false };
  }
}

/** Health of a device's DistributedInference and TensorService, then a tensor round trip through it. */
export async function probeDevice(
  d: DeviceAddress,
  iterations: number,
  roundTripMs: number[],
  clock: SuiteDeps["clock"],
): Promise<DeviceProbe> {
  const probe: DeviceProbe = {
    deviceId: d.deviceId,
    address: d.address,
    reportedStatus: d.status,
    reachable: false,
    healthy: false,
    services: {},
    tensorRoundTrip: "not available",
  };
  if (!d.address) {
    probe.services["address"] = "the cluster did not report hostname and port";
    return probe;
  }
  const target = d.address;
  const inference = createDistributedInferenceClient(target);
  const tensors = createTensorServiceClient(target);
  try {
    const inferenceHealth = await checkServiceHealth(async () => {
      const h = await callGrpc(
        inference,
        target,
        "DistributedInference.HealthCheck",
        inference.HealthCheck,
        { include_stats: false },
        GRPC_TIMEOUT_MS,
      );
      return { healthy: h.healthy, note: h.status || "no status" };
    });
    probe.services["DistributedInference"] = inferenceHealth.status;
    const tensorHealth = await checkServiceHealth(async () => {
      const h = await callGrpc(
        tensors,
        target,
        "TensorService.HealthCheck",
        tensors.HealthCheck,
        { device_id: d.deviceId },
        GRPC_TIMEOUT_MS,
      );
      return { healthy: h.healthy, note: h.status_message || "no message" };
    });
    probe.services["TensorService"] = tensorHealth.status;
    const answered = [inferenceHealth, tensorHealth].filter((h) => h.answered).length;
    const healthy = [inferenceHealth, tensorHealth].filter((h) => h.healthy).length;
    const tensorService = tensorHealth.implemented;
    probe.reachable = answered > 0;
    const unhealthy = Object.values(probe.services).some((s) => s.startsWith("unhealthy"));
    probe.healthy = probe.reachable && healthy > 0 && !unhealthy;
    if (tensorService && probe.healthy) {
      try {
        let exact = true;
        for (let i = 0; i < iterations; i++) {
          const dtype = DTYPES[i % DTYPES.length] ?? "float32";
          const rt = await roundTripTensor(tensors, target, makeTensor(dtype, 4096, i + 1), {
            compression: i % 2 === 0 ? "none" : "gzip",
            timeoutMs: GRPC_TIMEOUT_MS,
            now: () => clock.monotonicMs(),
          });
          roundTripMs.push(rt.sendMs + rt.getMs);
          exact &&= rt.exact;
        }
        probe.tensorRoundTrip = exact ? "exact" : "mismatch";
      } catch (err) {
        probe.tensorRoundTrip = isUnimplemented(err) ? "not available" : describeError(err);
      }
    }
  } finally {
    inference.close();
    tensors.close();
  }
  return probe;
}
