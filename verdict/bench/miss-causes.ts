// Why a point with an injected worsening went unflagged: the bench's MISSES=1 diagnosis of the
// real replay's power, counted per band (what the next lever has to win back).
import type { Escalated } from "../src/index.js";

/** The cause of a miss in a few words, or null when the point was flagged. */
export function missCause(decided: Escalated, maxPairs: number): string | null {
  const m = decided.verdict.metrics[0];
  if (m === undefined) return `no metric judged (${decided.verdict.kind})`;
  if (m.outcome === "regressed") return null;
  const step = decided.step;
  if (step.kind === "confirm") {
    // The pairs judged, a second batch's included (step.pairs is the first batch's count).
    const judged = m.confirmation?.pairs ?? step.pairs;
    const where = judged >= maxPairs ? "at the cap" : "below the cap";
    const what = m.straddle === true ? "a straddle's" : "a close call's";
    return `${what} A/B pairs ${where} ended ${m.outcome}`;
  }
  if (step.kind === "rerun") return `re-run, then ${m.outcome}`;
  if (m.outcome === "unchanged" && m.reason.includes("as far as one run can tell"))
    return "screen: reaches the threshold, too noisy for pairs (straddle gate)";
  if (m.outcome === "unchanged" && m.reason.includes("in practice"))
    return "screen: real but within the threshold";
  return `screen: ${m.outcome}`;
}

/** Counts of causes per band, printed largest first. */
export class MissCauses {
  private readonly byBand = new Map<string, Map<string, number>>();

  add(band: string, cause: string | null): void {
    if (cause === null) return;
    const counts = this.byBand.get(band) ?? new Map<string, number>();
    this.byBand.set(band, counts);
    counts.set(cause, (counts.get(cause) ?? 0) + 1);
  }

  format(effectPct: number): string {
    const lines = [`why +${effectPct} % points went unflagged, per band (MISSES=1):`];
    for (const [band, counts] of [...this.byBand].sort()) {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      lines.push(`  ${band}: ${total} missed`);
      for (const [cause, n] of [...counts].sort((a, b) => b[1] - a[1]))
        lines.push(`    ${String(n).padStart(5)}  ${cause}`);
    }
    return lines.join("\n");
  }
}
