import os from "node:os";
import type { Fingerprint } from "@mlxbench/proto";
import { RESULT_SCHEMA_VERSION } from "@mlxbench/proto";
import { GpuInfoBody, getOptionalClusterJson } from "../cluster-http.js";
import type { SuiteReports } from "../results/index.js";
import { hashSuiteOptions, meaningfulSuiteOptions } from "../suite-options.js";
import type { SuiteRunInput } from "./suite-run.js";

/**
 * What the run measured on: the hardware (given, else the cluster's device models, else this
 * machine), the devices and model the components saw, the suite options and the versions.
 */
export async function buildFingerprint(
  input: SuiteRunInput,
  r: SuiteReports,
  reachable: boolean,
): Promise<Fingerprint> {
  const o = input.options;
  const devices =
    r.validation?.devices.map((d) => d.deviceId) ?? r.performance?.distributed?.devices ?? [];
  let hardware = input.hardware;
  if (!hardware && reachable) {
    try {
      const info = await getOptionalClusterJson(
        o.distributed.apiUrl,
        "distributed/gpu-info",
        GpuInfoBody,
        { timeoutMs: 3000 },
      );
      const models = info.available
        ? (info.body.cluster_info?.aggregate_hardware?.device_models ?? [])
        : [];
      if (models.length) hardware = summarizeModels(models);
    } catch {
      // the fingerprint falls back to this machine below
    }
  }
  hardware ??= `${os.cpus()[0]?.model ?? "unknown CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}`;
  const model = r.comprehensive?.model ?? r.validation?.model ?? (o.model || "unknown");
  return {
    hardware,
    clusterMode: devices.length === 1 ? "single-device" : "distributed",
    deviceCount: devices.length,
    devices,
    model,
    suiteOptionsHash: hashSuiteOptions(o),
    suiteOptions: meaningfulSuiteOptions(o),
    versions: {
      node: process.version,
      resultSchema: String(RESULT_SCHEMA_VERSION),
      ...input.versions,
    },
  };
}

function summarizeModels(models: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].map(([m, n]) => `${n}× ${m}`).join(" + ");
}
