import type { ValidationResult } from "../../results/index.js";
import { bullets, num, pct, table } from "./format.js";

export function renderValidationReport(v: ValidationResult): string {
  const s = v.summary;
  return [
    `# Validation report`,
    "",
    `**Result: ${s.status}**${s.criticalFailures.length ? ` — critical fixes failing: ${s.criticalFailures.join(", ")}` : ""}`,
    "",
    `Cluster: ${v.apiUrl} · started ${v.startedAt} · finished ${v.finishedAt}`,
    "",
    "## Fix status",
    "",
    table(
      ["fix", "critical", "status", "evidence"],
      s.fixes.map((f) => [f.name, f.critical ? "yes" : "no", f.status, f.message]),
    ),
    "",
    "## Checks",
    "",
    table(
      ["check", "status", "time (ms)", "message"],
      v.checks.map((c) => [c.name, c.status, num(c.durationMs, 0), c.message]),
    ),
    "",
    "## Devices",
    "",
    v.devices.length
      ? table(
          [
            "device",
            "gRPC address",
            "reported",
            "reachable",
            "healthy",
            "services",
            "tensor round trip",
          ],
          v.devices.map((d) => [
            d.deviceId,
            d.address,
            d.reportedStatus,
            d.reachable ? "yes" : "no",
            d.healthy ? "yes" : "no",
            Object.entries(d.services)
              .map(([k, x]) => `${k}: ${x}`)
              .join("; "),
            d.tensorRoundTrip,
          ]),
        )
      : "No device could be probed.",
    "",
    "## Inference",
    "",
    table(
      ["load", "requests", "success rate", "max in flight", "e2e p50 (ms)", "errors"],
      [
        ["basic (sequential)", v.basicInference],
        ["concurrent", v.concurrentInference],
      ].map(([name, l]) => {
        const load = l as ValidationResult["basicInference"];
        return load
          ? [
              name as string,
              load.requests,
              pct(load.metrics.successRate),
              load.maxInFlight,
              num(load.metrics.e2eMs?.p50),
              Object.entries(load.metrics.errorsByClass)
                .map(([k, n]) => `${k}: ${n}`)
                .join(", ") || "none",
            ]
          : [name as string, 0, "not run", null, null, null];
      }),
    ),
    "",
    "## Warnings",
    "",
    bullets(v.warnings),
    "",
  ].join("\n");
}
