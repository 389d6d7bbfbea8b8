import { DistributedStatusBody, getOptionalClusterJson } from "../cluster-http.js";
import { deviceAddressesOf } from "../device-addresses.js";
import { describeError } from "../errors.js";

export interface RoundTripTarget {
  deviceId: string;
  target: string;
}

/**
 * The server first (named by its device when the cluster lists it), then every other device the
 * cluster's HTTP API lists; without the API, or when it cannot list them, only the server.
 */
export async function listRoundTripTargets(
  server: string,
  apiUrl: string | undefined,
  warnings: string[],
): Promise<RoundTripTarget[]> {
  const targets: RoundTripTarget[] = [{ deviceId: "server", target: server }];
  if (!apiUrl) return targets;
  try {
    const status = await getOptionalClusterJson(
      apiUrl,
      "distributed/status",
      DistributedStatusBody,
      {
        timeoutMs: 5000,
      },
    );
    if (status.available) {
      for (const d of deviceAddressesOf(status.body)) {
        if (!d.address) continue;
        if (d.address === server) targets[0] = { deviceId: d.deviceId, target: d.address };
        else targets.push({ deviceId: d.deviceId, target: d.address });
      }
    } else warnings.push(`per-device figures: ${status.reason}; only ${server} measured`);
  } catch (err) {
    warnings.push(
      `per-device figures: cannot list devices (${describeError(err)}); only ${server} measured`,
    );
  }
  return targets;
}
