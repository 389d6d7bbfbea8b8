// Plain-text tables for the bench's report.

export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ")).join("\n");
}

/** Events per 100 trials, one decimal; "n/a" with no trials. */
export function per100(events: number, trials: number): string {
  return trials > 0 ? ((100 * events) / trials).toFixed(2) : "n/a";
}

export function ratio(hits: number, trials: number): string {
  return trials > 0 ? (hits / trials).toFixed(3) : "n/a";
}
