import type { CommunicationResult } from "../../results/index.js";
import { computeMedian } from "@mlxbench/verdict/stats";
import { bullets, bytesLabel, num, table } from "./format.js";

export function renderCommunicationReport(c: CommunicationResult, chart?: string): string {
  const out = [
    "# Communication benchmark report",
    "",
    `gRPC server ${c.server} · started ${c.startedAt} · finished ${c.finishedAt}`,
    "",
    `Services: ${
      Object.entries(c.services)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none detected"
    }.`,
    "",
    "## Connection and round trips",
    "",
    `Channel establishment: median ${num(computeMedian(c.channelEstablishmentMs), 2)} ms over ${c.channelEstablishmentMs.length} fresh channels.`,
    "",
    "Raw TCP round trip: an HTTP/2 PING on a bare TCP socket to the same host:port (no gRPC, protobuf or handler).",
    "Overhead % = (gRPC round trip − raw TCP round trip) / raw × 100; LOW < 10, MODERATE < 25, HIGH < 50, else VERY_HIGH.",
    "On loopback the same call and PING go to a bare grpc-js server with no-op handlers, measured between the device's (the bare server columns): readiness judges the time the device's gRPC adds against the time gRPC itself adds on this machine.",
    "",
    c.roundTrips.length
      ? table(
          [
            "device",
            "target",
            "RPC",
            "unary p50 (ms)",
            "raw TCP p50 (ms)",
            "TCP connect (ms)",
            "overhead",
            "category",
            "bare server unary p50 (ms)",
            "bare server raw p50 (ms)",
          ],
          c.roundTrips.map((r) => [
            r.deviceId,
            r.target,
            r.rpc,
            num(computeMedian(r.unaryRttMs), 3),
            num(computeMedian(r.rawRttMs), 3),
            num(r.tcpConnectMs, 2),
            `${num(r.overheadPct, 0)} %`,
            r.category,
            r.reference ? num(computeMedian(r.reference.unaryRttMs), 3) : "n/a",
            r.reference ? num(computeMedian(r.reference.rawRttMs), 3) : "n/a",
          ]),
        )
      : "No round trip could be measured (see errors).",
    "",
    "## Tensor transfer throughput (TensorService.SendTensor, uncompressed)",
    "",
    c.transfer.length
      ? table(
          ["payload", "calls", "p50 time (ms)", "median MiB/s"],
          c.transfer.map((t) => [
            bytesLabel(t.bytes),
            t.sendMs.length,
            num(computeMedian(t.sendMs), 2),
            num(computeMedian(t.mibPerS), 1),
          ]),
        )
      : "Not measured.",
    "",
  ];
  if (chart) out.push(`![transfer rate](${chart})`, "");
  const b = c.batching;
  out.push("## Batching", "");
  if (b) {
    const per = (ms: number | null): string =>
      ms === null ? "failed" : `${num(ms, 1)} ms (${num(ms / b.messages, 3)} ms/message)`;
    out.push(
      `${b.messages} messages of ${bytesLabel(b.bytesPerMessage)}:`,
      "",
      table(
        ["mode", "total"],
        [
          ["sequential (one after another)", per(b.sequentialMs)],
          ["concurrent (all in flight)", per(b.concurrentMs)],
          ["streamed (DistributedComm.Receive stream)", per(b.streamedMs)],
        ],
      ),
      "",
      ...b.notes.map((n) => `> ${n}`),
      "",
    );
  } else out.push("Not measured.", "");
  const g = c.gzip;
  out.push("## Gzip on and off", "");
  if (g) {
    out.push(
      table(
        [
          "payload",
          "compressed",
          "ratio",
          "send plain p50 (ms)",
          "send gzip p50 (ms, encode included)",
        ],
        [
          [
            bytesLabel(g.bytes),
            bytesLabel(g.compressedBytes),
            `${num(g.ratio)}×`,
            num(computeMedian(g.plainSendMs), 2),
            num(computeMedian(g.gzipSendMs), 2),
          ],
        ],
      ),
      "",
    );
  } else out.push("Not measured.", "");
  out.push(
    "## Errors",
    "",
    "A failed call is listed here and never turned into a figure.",
    "",
    bullets(c.errors),
    "",
    "## Warnings",
    "",
    bullets(c.warnings),
    "",
  );
  return out.join("\n");
}
