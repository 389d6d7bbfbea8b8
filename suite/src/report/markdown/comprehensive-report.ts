import type { ComprehensiveResult } from "../../results/index.js";
import { computeMedian } from "@mlxbench/verdict/stats";
import { bullets, bytesLabel, num, pct, STATS_HEADER, statsRow, table } from "./format.js";
import { renderLatencyAtLoad } from "./latency-at-load-table.js";
import { renderServerCalibration } from "./server-calibration-table.js";

export function renderComprehensiveReport(
  c: ComprehensiveResult,
  charts: { latency?: string; concurrency?: string; latencyAtLoad?: string },
): string {
  const l = c.latency;
  const out = [
    "# Comprehensive benchmark report",
    "",
    `Cluster: ${c.apiUrl} · model ${c.model ?? "n/a"} · started ${c.startedAt} · finished ${c.finishedAt}`,
    "",
    "## Tensor serialization (codec, mlx_distributed.Tensor)",
    "",
    `${c.serialization.iterations} iterations per case; times are medians.`,
    "",
    table(
      [
        "dtype",
        "size",
        "shape",
        "encode (ms)",
        "decode (ms)",
        "encode MiB/s",
        "decode MiB/s",
        "round trip",
      ],
      c.serialization.cases.map((x) => [
        x.dtype,
        bytesLabel(x.wireBytes),
        `[${x.shape.join(", ")}]`,
        num(computeMedian(x.encodeMs), 4),
        num(computeMedian(x.decodeMs), 4),
        num(x.encodeMbPerS, 0),
        num(x.decodeMbPerS, 0),
        x.roundTripExact ? "exact" : "CHANGED",
      ]),
    ),
    "",
    "Gzip on activation-like float32 (bfloat16 precision, as the cluster sends them):",
    "",
    table(
      ["size", "ratio", "encode plain (ms)", "encode gzip (ms)", "decode gzip (ms)", "round trip"],
      c.serialization.gzip.map((g) => [
        bytesLabel(g.wireBytes),
        `${num(g.ratio)}×`,
        num(computeMedian(g.plainEncodeMs), 3),
        num(computeMedian(g.gzipEncodeMs), 3),
        num(computeMedian(g.gzipDecodeMs), 3),
        g.roundTripExact ? "exact" : "CHANGED",
      ]),
    ),
    "",
    "## Inference latency (one request at a time, over the prompt set)",
    "",
  ];
  if (l) {
    out.push(
      table(STATS_HEADER, [
        statsRow("end-to-end", l.metrics.e2eMs, "ms"),
        statsRow("time to first token", l.metrics.ttftMs, "ms"),
        statsRow("time per output token", l.metrics.tpotMs, "ms"),
        statsRow("inter-token latency", l.metrics.itlMs, "ms"),
      ]),
      "",
      `Success rate ${pct(l.metrics.successRate)}; ${num(l.metrics.outputTokensPerS, 1)} output tokens/s sequentially.` +
        (l.metrics.streamingMeasurable
          ? ""
          : " **TTFT, ITL and TPOT were not measurable** (the server did not stream)."),
      "",
    );
    if (charts.latency) out.push(`![latency distribution](${charts.latency})`, "");
  } else out.push("Not measured.", "");
  out.push("## Throughput under concurrency", "");
  if (c.throughput.length) {
    out.push(
      table(
        [
          "concurrency",
          "output tokens/s (median)",
          "requests/s (median)",
          "e2e p50 (ms)",
          "success rate",
          "max in flight",
          "repetitions",
        ],
        c.throughput.map((p) => [
          p.concurrency,
          num(computeMedian(p.outputTokensPerS), 1),
          num(computeMedian(p.requestsPerS)),
          num(p.e2eP50Ms, 0),
          pct(p.successRate),
          p.maxInFlight,
          p.outputTokensPerS.length,
        ]),
      ),
      "",
    );
    if (charts.concurrency) out.push(`![throughput vs concurrency](${charts.concurrency})`, "");
    out.push(...renderLatencyAtLoad(c.throughput));
    if (charts.latencyAtLoad)
      out.push(`![latency percentiles vs concurrency](${charts.latencyAtLoad})`, "");
  } else out.push("Not measured.", "");
  out.push(
    ...renderServerCalibration([
      { load: "one at a time", calibration: l?.serverCalibration ?? null },
      ...c.throughput.map((p) => ({
        load: `concurrency ${p.concurrency}`,
        calibration: p.serverCalibration,
      })),
    ]),
  );
  out.push("## Memory and resources", "");
  const r = c.resources;
  if (r) {
    out.push(
      table(
        ["resource", "peak", "average"],
        [
          [
            "this machine's CPU (%)",
            num(r.machineCpuPercent?.peak, 0),
            num(r.machineCpuPercent?.average, 0),
          ],
          [
            "this machine's memory (MB)",
            num(r.machineMemoryMb.peak, 0),
            num(r.machineMemoryMb.average, 0),
          ],
          ["suite process RSS (MB)", num(r.processRssMb.peak, 0), num(r.processRssMb.average, 0)],
          [
            `cluster memory (MB${r.clusterMemoryMb ? `, from ${r.clusterMemoryMb.source}` : ""})`,
            r.clusterMemoryMb ? num(r.clusterMemoryMb.peak, 0) : "not available",
            r.clusterMemoryMb ? num(r.clusterMemoryMb.average, 0) : "not available",
          ],
        ],
      ),
      "",
      `Efficiency: ${r.tokensPerMb === null ? "n/a" : `${num(r.tokensPerMb, 3)} output tokens per MB of peak ${r.tokensPerMbBasis ?? ""} memory`}.`,
      "",
    );
  } else out.push("Not sampled.", "");
  out.push("## Errors", "", bullets(c.errors), "", "## Warnings", "", bullets(c.warnings), "");
  return out.join("\n");
}
