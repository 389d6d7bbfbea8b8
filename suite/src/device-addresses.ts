import type { DistributedStatusBody } from "./cluster-http.js";

export interface DeviceAddress {
  deviceId: string;
  rank: number | null;
  /** HOST:PORT of the device's gRPC server; null when the cluster did not say. */
  address: string | null;
  status: string;
}

/** The gRPC address of each device from /distributed/status (hostname and port of its gRPC server). */
export function deviceAddressesOf(status: DistributedStatusBody): DeviceAddress[] {
  return status.devices.map((d) => ({
    deviceId: d.device_id,
    rank: d.rank ?? null,
    address: d.hostname && d.port ? `${formatHost(d.hostname)}:${d.port}` : null,
    status: d.status ?? "unknown",
  }));
}

function formatHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Device states the contract's clusters use for a working device. */
export function isHealthyDeviceStatus(s: string): boolean {
  return ["healthy", "active", "online", "ok", "ready", "connected"].includes(s.toLowerCase());
}
