import type { SuiteDeps } from "../deps.js";
import type { DeviceAddress } from "../device-addresses.js";
import type { DeviceProbe } from "../results/index.js";
import { probeDevice } from "./probe-device.js";
import type { CheckOutcome } from "./record-check.js";

/** The devices to probe: those discovered, else the configured gRPC target, else none. */
export function grpcTargetsOf(addresses: DeviceAddress[], grpcTarget?: string): DeviceAddress[] {
  if (addresses.length > 0) return addresses;
  return grpcTarget
    ? [{ deviceId: "grpc-target", rank: null, address: grpcTarget, status: "unknown" }]
    : [];
}

/**
 * gRPC reachability of every device, probing each (and its tensor round trip) into `probes` and
 * `roundTripMs`, so what was probed before a failure is kept.
 */
export async function checkGrpcReachability(
  targets: DeviceAddress[],
  iterations: number,
  clock: SuiteDeps["clock"],
  probes: DeviceProbe[],
  roundTripMs: number[],
): Promise<CheckOutcome> {
  if (targets.length === 0)
    return { status: "SKIPPED", message: "no device addresses and no --grpc-target" };
  for (const d of targets) probes.push(await probeDevice(d, iterations, roundTripMs, clock));
  const bad = probes.filter((p) => !p.reachable || !p.healthy);
  const detail = probes
    .map(
      (p) =>
        `${p.deviceId}@${p.address ?? "?"}: ${p.reachable ? (p.healthy ? "ok" : "unhealthy") : "unreachable"}`,
    )
    .join(", ");
  return bad.length
    ? {
        status: "FAIL",
        message: `${bad.length} of ${probes.length} devices failed gRPC: ${bad
          .map(
            (p) =>
              `${p.deviceId} (${Object.values(p.services).find((s) => s !== "ok") ?? "unhealthy"})`,
          )
          .join("; ")}`,
        details: { probes },
      }
    : {
        status: "PASS",
        message: `all ${probes.length} devices answer gRPC health checks: ${detail}`,
        details: { probes },
      };
}
