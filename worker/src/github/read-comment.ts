// Reading a rendered comment as a person would: its visible lines, its links, its table rows.

/** Lines shown before any <details> is opened (each collapsed block counts as its summary line). */
export function visibleLines(markdown: string): number {
  const shown = markdown.replace(/<details>(<summary>[^\n]*<\/summary>)[\s\S]*?<\/details>/g, "$1");
  return shown.trimEnd().split("\n").length;
}

export function findLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
}

/**
 * Rows whose words contradict their numbers: "unchanged" with an interval leaving ±threshold, or
 * "not decided" with an interval wholly past it (on either side).
 */
export function countContradictions(markdown: string): number {
  let n = 0;
  for (const line of markdown.split("\n")) {
    if (!line.startsWith("| ")) continue;
    const cells = line.split(" | ");
    const interval = /\[([−+][\d.]+), ([−+][\d.]+)\]/.exec(cells[4] ?? "");
    const threshold = /±([\d.]+) %/.exec(cells[5] ?? "");
    const words = cells[8] ?? "";
    if (!interval || !threshold) continue;
    const num = (s: string | undefined): number => Number((s ?? "").replace("−", "-"));
    const [lo, hi, t] = [num(interval[1]), num(interval[2]), num(threshold[1])];
    if (words.includes("unchanged") && (lo < -t || hi > t)) n++;
    if (words.includes("not decided") && (lo > t || hi < -t)) n++;
  }
  return n;
}
