import type { FloorsConfig } from "@mlxbench/proto";
import type { LoadResult } from "../measure/index.js";
import { describeErrors } from "../load-summary.js";
import type { CheckOutcome } from "./record-check.js";

/** The configured floors on success rate, end-to-end p95 and throughput, over what was measured. */
export function checkPerformanceFloors(
  loads: readonly LoadResult[],
  concurrent: LoadResult | undefined,
  floors: FloorsConfig,
): CheckOutcome {
  if (loads.length === 0) return { status: "SKIPPED", message: "no inference was measured" };
  const records = loads.flatMap((l) => l.records);
  const attempted = records.filter((r) => r.error?.class !== "aborted").length;
  const ok = records.filter((r) => r.ok).length;
  const rate = attempted ? ok / attempted : 0;
  const problems: string[] = [];
  const notes: string[] = [`success rate ${(rate * 100).toFixed(1)} %`];
  if (rate < floors.min_success_rate) {
    problems.push(
      `success rate ${(rate * 100).toFixed(1)} % is below ${(floors.min_success_rate * 100).toFixed(0)} % ` +
        `(${attempted - ok} of ${attempted} failed: ${describeErrors(mergeErrors(loads))})`,
    );
  }
  const p95 = concurrent?.metrics.e2eMs?.p95;
  if (floors.max_e2e_p95_ms !== undefined) {
    if (p95 === undefined) problems.push("end-to-end p95 not measured");
    else if (p95 > floors.max_e2e_p95_ms)
      problems.push(`e2e p95 ${p95.toFixed(0)} ms > ${floors.max_e2e_p95_ms} ms`);
    else notes.push(`e2e p95 ${p95.toFixed(0)} ms`);
  }
  const tps = concurrent?.metrics.outputTokensPerS;
  if (floors.min_output_tokens_per_s !== undefined) {
    if (tps === undefined) problems.push("throughput not measured");
    else if (tps < floors.min_output_tokens_per_s) {
      problems.push(`${tps.toFixed(1)} tokens/s < ${floors.min_output_tokens_per_s}`);
    } else notes.push(`${tps.toFixed(1)} tokens/s`);
  }
  return problems.length
    ? { status: "FAIL", message: problems.join("; "), details: { successRate: rate } }
    : { status: "PASS", message: notes.join(", "), details: { successRate: rate } };
}

function mergeErrors(loads: readonly LoadResult[]): Partial<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const l of loads) {
    for (const [k, n] of Object.entries(l.metrics.errorsByClass)) out[k] = (out[k] ?? 0) + (n ?? 0);
  }
  return out;
}
