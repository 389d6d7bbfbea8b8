// The archived summary is the check's text: it tables the metrics, and so does the run page. The
// page keeps the summary's words and drops its metric tables, so each metric appears once.

const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const DETAILS_OPEN = /^\s*<details(\s+open)?>\s*(<summary>(.*?)<\/summary>)?\s*$/i;
const DETAILS_CLOSE = /^\s*<\/details>\s*$/i;
/** "… 12 more metrics in the full report.": a count of rows the check left out. */
const LEFT_OUT = /^\s*… \d+ more metrics? in the full report\.\s*$/;

/** A table whose first header cell is "metric": the check's metric table. */
function isMetricTable(lines: string[], i: number): boolean {
  const head = lines[i] ?? "";
  const first = head.trim().replace(/^\|/, "").split("|")[0]?.trim().toLowerCase();
  return head.includes("|") && TABLE_SEPARATOR.test(lines[i + 1] ?? "") && first === "metric";
}

/**
 * The summary's Markdown without its metric tables. A `<details>` block left with nothing but
 * blank lines goes too; one with other content (a log, the tiers' detail) keeps it under its
 * summary line as bold text, since the page's Markdown shows raw HTML as text.
 */
export function dropMetricTables(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let block: { title: string; lines: string[] } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (isMetricTable(lines, i)) {
      i += 2;
      while (i < lines.length && (lines[i] ?? "").includes("|")) i++;
      i--;
      continue;
    }
    if (LEFT_OUT.test(line)) continue;
    const open: RegExpExecArray | null = DETAILS_OPEN.exec(line);
    if (block === null && open !== null) {
      // "42 more metrics" names rows this page shows in its own table, not what stays.
      const title = open[3] ?? "";
      block = { title: /more metrics?$/.test(title) ? "Details" : title, lines: [] };
      continue;
    }
    if (block !== null && DETAILS_CLOSE.test(line)) {
      if (block.lines.some((l) => l.trim() !== ""))
        out.push(...(block.title ? [`**${block.title}**`, ""] : []), ...block.lines);
      block = null;
      continue;
    }
    (block?.lines ?? out).push(line);
  }
  if (block !== null) out.push(...block.lines);
  return out.join("\n");
}
