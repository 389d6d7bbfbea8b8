import type { Stats } from "@mlxbench/proto";

/** A GitHub-flavoured Markdown table; cells are escaped so a `|` in a message cannot break it. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cell = (c: string | number | null): string =>
    (c === null ? "n/a" : String(c)).replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

export function num(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "n/a";
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  if (Math.abs(x) >= 100) return x.toFixed(1);
  if (Math.abs(x) > 0 && Math.abs(x) < 0.01) return x.toPrecision(2);
  return x.toFixed(digits);
}

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? "n/a"
    : `${(x * 100).toFixed(digits)} %`;
}

export function statsRow(label: string, s: Stats | null, unit: string): (string | number | null)[] {
  if (!s) return [label, "not measured", "", "", "", "", "", "", unit];
  return [
    label,
    s.count,
    num(s.mean),
    num(s.min),
    num(s.max),
    num(s.p50),
    num(s.p95),
    num(s.p99),
    unit,
  ];
}

export const STATS_HEADER = ["metric", "n", "mean", "min", "max", "p50", "p95", "p99", "unit"];

export function bullets(items: readonly string[], empty = "none"): string {
  return items.length ? items.map((i) => `- ${i}`).join("\n") : `- ${empty}`;
}

/** 1024 → "1 KiB", 452989 → "442.4 KiB": whole units as they are, others to one decimal. */
export function bytesLabel(bytes: number): string {
  const scaled = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  if (bytes >= 1024 * 1024) return `${scaled(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${scaled(bytes / 1024)} KiB`;
  return `${scaled(bytes)} B`;
}
