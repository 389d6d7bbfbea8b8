import { DistributedStatusBody, getOptionalClusterJson } from "../cluster-http.js";
import {
  deviceAddressesOf,
  isHealthyDeviceStatus,
  type DeviceAddress,
} from "../device-addresses.js";
import { GRPC_TIMEOUT_MS } from "./probe-device.js";
import type { CheckOutcome } from "./record-check.js";

/** What discovery found; filled in as it goes, so a later failure keeps what was found. */
export interface DiscoveredDevices {
  addresses: DeviceAddress[];
  model: string | null;
}

/** Device discovery: the cluster lists every expected device, its world size adds up, all healthy. */
export async function discoverDevices(
  apiUrl: string,
  expectedDevices: readonly string[],
  found: DiscoveredDevices,
): Promise<CheckOutcome> {
  const status = await getOptionalClusterJson(apiUrl, "distributed/status", DistributedStatusBody, {
    timeoutMs: GRPC_TIMEOUT_MS,
  });
  if (!status.available) {
    return { status: "SKIPPED", message: `device discovery not available (${status.reason})` };
  }
  const addresses = deviceAddressesOf(status.body);
  found.addresses = addresses;
  found.model = status.body.model_name ?? found.model;
  const ids = addresses.map((a) => a.deviceId);
  const problems: string[] = [];
  if (addresses.length === 0) problems.push("the cluster reported no devices");
  const missing = expectedDevices.filter((e) => !ids.includes(e));
  if (missing.length) problems.push(`expected devices not reported: ${missing.join(", ")}`);
  if (status.body.world_size !== undefined && status.body.world_size !== addresses.length) {
    problems.push(`world_size ${status.body.world_size} but ${addresses.length} devices listed`);
  }
  const sick = status.body.devices.filter((d) => !isHealthyDeviceStatus(d.status ?? "unknown"));
  for (const d of sick) {
    problems.push(
      `device ${d.device_id}${d.rank !== undefined ? ` (rank ${d.rank})` : ""} is ${d.status ?? "of unknown status"}` +
        (d.error ? `: ${d.error}` : ""),
    );
  }
  const listed = `${addresses.length} devices (${ids.join(", ")})`;
  return problems.length
    ? {
        status: "FAIL",
        message: `${listed}; ${problems.join("; ")}`,
        details: { devices: addresses },
      }
    : {
        status: "PASS",
        message: `${listed}${expectedDevices.length ? ", all expected devices present" : ""}, all healthy`,
        details: { devices: addresses },
      };
}
