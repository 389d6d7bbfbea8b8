import type { ImportPlan } from "./import-plan.js";
import type { ImportOutcome } from "./write-import-plan.js";

/** The summary printed at the end of an import: runs, then per metric points and noise. */
export function formatImportSummary(
  plan: ImportPlan,
  outcome: ImportOutcome | null,
  location: string,
): string {
  const lines: string[] = [];
  const skipped = outcome ? outcome.skippedExisting + outcome.skippedCommitHasRun : 0;
  lines.push(
    outcome === null
      ? `Dry run: ${plan.runs.length} run(s) of ${plan.repository} would be imported from ${plan.source} into ${location}; nothing written.`
      : `Imported ${outcome.imported} run(s) of ${plan.repository} from ${plan.source} into ${location}; skipped ${skipped} (${outcome.skippedExisting} already imported, ${outcome.skippedCommitHasRun} commit(s) with a run of their own).`,
  );
  const valid = plan.metrics.filter((m) => m.invalid === null);
  const rows = valid.map((m) => [
    m.key,
    String(m.points),
    String(m.skippedPoints),
    m.noisePct === null ? "n/a" : m.noisePct.toFixed(2),
    m.direction === "higher_is_better" ? "higher" : "lower",
    m.unit || "-",
    m.origin === m.key ? "" : m.origin,
  ]);
  const header = ["metric", "points", "skipped", "noise %", "better", "unit", "from"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: readonly string[]): string =>
    r
      .map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  lines.push(
    `${valid.length} metric(s); noise % is the robust run-to-run noise (1.4826 · median |successive log difference| / √2):`,
  );
  lines.push(fmt(header), ...rows.map(fmt));
  if (valid.some((m) => !m.key.startsWith("imported.") && m.origin !== m.key))
    lines.push(
      "Mapped metrics keep the data.js unit: the verdict compares them with this cluster's runs only when both measure the same thing in the same unit.",
    );
  const skippedPoints = plan.metrics.reduce((a, m) => a + m.skippedPoints, 0);
  if (skippedPoints > 0)
    lines.push(`${skippedPoints} value(s) skipped: zero, negative, NaN or not a number.`);
  for (const m of plan.metrics.filter((x) => x.invalid !== null))
    lines.push(`invalid, not imported: ${m.origin} (${m.key}): ${m.invalid ?? ""}`);
  return `${lines.join("\n")}\n`;
}
