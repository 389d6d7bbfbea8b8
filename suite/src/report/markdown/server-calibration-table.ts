import type { ServerCalibration } from "../../server-calibration.js";
import { num, table } from "./format.js";

/**
 * "Client against the server's own timings": per load, how far the client's TTFT and ITL are
 * from what the server itself reported (llama.cpp's `timings`). Empty when no server timings.
 */
export function renderServerCalibration(
  rows: readonly { load: string; calibration: ServerCalibration | null }[],
): string[] {
  const measured = rows.filter(
    (r): r is { load: string; calibration: ServerCalibration } => r.calibration !== null,
  );
  if (!measured.length) return [];
  return [
    "### Client against the server's own timings",
    "",
    "TTFT: the client's (request sent → first content chunk) minus the server's `prompt_ms`, " +
      "median and p90 over requests. ITL: the client's mean gap between tokens minus the " +
      "server's time per decoded token. Small differences mean the client measures the server, " +
      "not itself.",
    "",
    table(
      [
        "load",
        "requests with timings",
        "TTFT client / server (ms, median)",
        "TTFT client − server (ms, median / p90)",
        "ITL client / server (ms, mean)",
        "ITL client − server",
      ],
      measured.map(({ load, calibration: c }) => [
        load,
        `${c.withTimings} of ${c.requests}`,
        c.ttft ? `${num(c.ttft.clientMedianMs)} / ${num(c.ttft.serverMedianMs)}` : "n/a",
        c.ttft ? `${num(c.ttft.diffMedianMs)} / ${num(c.ttft.diffP90Ms)}` : "n/a",
        c.itl ? `${num(c.itl.clientMeanMs, 3)} / ${num(c.itl.serverMeanMs, 3)}` : "n/a",
        c.itl ? `${num(c.itl.diffMs, 3)} ms (${num(c.itl.diffPct, 1)} %)` : "n/a",
      ]),
    ),
    "",
  ];
}
