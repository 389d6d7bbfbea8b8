// Test support: github-action-benchmark data.js files in the real shape, with values, units,
// ranges and dates of real series (verdict/bench/data/real-histories.json). The corpus keeps no
// commit ids, so commits get stable made-up ids.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface CorpusSeries {
  source: string;
  name: string;
  unit: string;
  direction: "bigger_is_better" | "smaller_is_better";
  values: number[];
  ranges?: (number | null)[];
  dates: number[];
}

export interface CorpusSource {
  id: string;
  tool: string;
}

interface Corpus {
  sources: CorpusSource[];
  series: CorpusSeries[];
}

let corpus: Corpus | undefined;

export function loadCorpus(): Corpus {
  corpus ??= JSON.parse(
    readFileSync(
      fileURLToPath(new URL("../../../verdict/bench/data/real-histories.json", import.meta.url)),
      "utf8",
    ),
  ) as Corpus;
  return corpus;
}

/** The first `count` series of a corpus source (their points line up by date within a source). */
export function corpusSeries(source: string, count: number): CorpusSeries[] {
  const found = loadCorpus()
    .series.filter((s) => s.source === source)
    .slice(0, count);
  if (found.length < count)
    throw new Error(`the corpus has fewer than ${count} series of ${source}`);
  return found;
}

export function commitId(i: number): string {
  return createHash("sha1").update(`commit ${i}`).digest("hex");
}

export interface FixtureBench {
  name: string;
  unit: string;
  /** One per commit; `undefined` leaves the bench out of that commit. */
  values: readonly unknown[];
  ranges?: readonly (number | null)[] | undefined;
}

export interface FixtureSuite {
  tool: string;
  benches: readonly FixtureBench[];
  /** Epoch seconds per commit. */
  dates: readonly number[];
  /** Commit index per entry (default 0, 1, 2 …): repeat an index for a re-run of that commit. */
  commits?: readonly number[];
  units?: readonly (string | undefined)[];
}

/** A data.js as github-action-benchmark writes it: the script prefix, then the JSON. */
export function buildDataJs(suites: Record<string, FixtureSuite>, prefix = true): string {
  const entries: Record<string, unknown[]> = {};
  let lastUpdate = 0;
  for (const [name, suite] of Object.entries(suites)) {
    const n = suite.commits?.length ?? suite.dates.length;
    entries[name] = Array.from({ length: n }, (_, i) => {
      const c = suite.commits?.[i] ?? i;
      const date = (suite.dates[i] ?? 0) * 1000;
      lastUpdate = Math.max(lastUpdate, date);
      const id = commitId(c);
      return {
        commit: {
          author: { email: "dev@example.com", name: "Dev", username: "dev" },
          committer: { email: "dev@example.com", name: "Dev", username: "dev" },
          distinct: true,
          id,
          message: `change ${c}`,
          timestamp: new Date(date - 60_000).toISOString(),
          tree_id: createHash("sha1").update(`tree ${c}`).digest("hex"),
          url: `https://github.com/octo/hello/commit/${id}`,
        },
        date,
        tool: suite.tool,
        benches: suite.benches.flatMap((b) =>
          b.values[i] === undefined
            ? []
            : [
                {
                  name: b.name,
                  value: b.values[i],
                  ...(b.ranges?.[i] != null ? { range: `± ${b.ranges[i]}` } : {}),
                  unit: suite.units?.[i] ?? b.unit,
                },
              ],
        ),
      };
    });
  }
  const data = { lastUpdate, repoUrl: "https://github.com/octo/hello", entries };
  return `${prefix ? "window.BENCHMARK_DATA = " : ""}${JSON.stringify(data, null, 2)}`;
}

/** A data.js of `count` real series of one corpus source, trimmed to `points` commits. */
export function corpusDataJs(
  source: string,
  count: number,
  points: number,
  suite = "Benchmark",
): { text: string; series: CorpusSeries[]; tool: string } {
  const series = corpusSeries(source, count);
  const tool =
    loadCorpus()
      .sources.find((s) => s.id === source)
      ?.tool.split(" ")[0] ?? "";
  const first = series[0];
  if (first === undefined) throw new Error(`no series of ${source}`);
  const text = buildDataJs({
    [suite]: {
      tool,
      dates: first.dates.slice(0, points),
      benches: series.map((s) => ({
        name: s.name.slice(s.name.indexOf(" / ") + 3),
        unit: s.unit,
        values: s.values.slice(0, points),
        ranges: s.ranges?.slice(0, points),
      })),
    },
  });
  return { text, series, tool };
}
