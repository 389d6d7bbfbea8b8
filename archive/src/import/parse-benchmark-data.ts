import { z } from "zod";
import { HistoryImportError } from "./history-import-error.js";

/** github-action-benchmark writes `window.BENCHMARK_DATA = ` and then the JSON. */
const SCRIPT_PREFIX = /^\s*window\.BENCHMARK_DATA\s*=\s*/;

/** One benchmark result as github-action-benchmark stores it; `value` is checked per point, not here. */
export const BenchmarkResult = z.object({
  name: z.string().min(1),
  value: z.unknown(),
  unit: z.string(),
  range: z.string().optional(),
  extra: z.string().optional(),
});
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;

/** One push of one suite: the commit, when it ran (epoch ms), the tool and its results. */
export const BenchmarkEntry = z.object({
  commit: z.looseObject({
    id: z.string().min(1),
    timestamp: z.string().optional(),
    url: z.string().optional(),
  }),
  date: z.number().int().nonnegative(),
  tool: z.string(),
  benches: z.array(BenchmarkResult),
});
export type BenchmarkEntry = z.infer<typeof BenchmarkEntry>;

/** The whole `data.js`: entries per suite name, oldest first (the action appends). */
export const BenchmarkData = z.object({
  lastUpdate: z.number().optional(),
  repoUrl: z.string().optional(),
  entries: z.record(z.string(), z.array(BenchmarkEntry)),
});
export type BenchmarkData = z.infer<typeof BenchmarkData>;

/**
 * Parses a github-action-benchmark `data.js` (or the same JSON without the script prefix).
 * `source` names the file in every error.
 */
export function parseBenchmarkData(text: string, source: string): BenchmarkData {
  const notOne = (why: string): HistoryImportError =>
    new HistoryImportError(
      `${source} is not a github-action-benchmark data.js: ${why} (expected \`window.BENCHMARK_DATA = {"entries": {…}}\` or that JSON alone)`,
    );
  const json = text.replace(SCRIPT_PREFIX, "").trim().replace(/;$/, "");
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw notOne(`not JSON after the prefix (${(err as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw notOne(`the data is ${Array.isArray(raw) ? "an array" : typeof raw}, not an object`);
  if (!("entries" in raw)) throw notOne("it has no `entries`");
  const parsed = BenchmarkData.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.map(String).join(".")}: ${issue.message}` : "invalid";
    throw notOne(where);
  }
  const suites = Object.entries(parsed.data.entries);
  if (suites.every(([, entries]) => entries.length === 0)) throw notOne("`entries` holds no runs");
  return parsed.data;
}
