import { describe, expect, it } from "vitest";
import { computeVerdict, parseVerdictConfig } from "@mlxbench/verdict";
import { chartedChanges } from "@mlxbench/suite/report/chart-configs";
import { changeChartLinks, MAX_CHANGE_IMAGES } from "./change-chart-images.js";
import { loadRecording, MAIN_RECORDINGS, replayAs } from "./recorded-runs.test-support.js";

// The recorded main-branch runs and the run on a 1.3× slower cluster, judged as the worker judges.
async function judged() {
  const history = await Promise.all(
    MAIN_RECORDINGS.map(async (n) => replayAs((await loadRecording(n)).runResult, n, "main")),
  );
  const baseline = history.at(-1) ?? null;
  const current = replayAs((await loadRecording("slower-1.3x")).runResult, "pr", "feature");
  const verdict = computeVerdict(current, baseline, history, parseVerdictConfig({}), {
    baselineRunId: "push-main-5",
  });
  return { verdict, current, baseline };
}

/** The chart config a QuickChart URL carries, read back as QuickChart would. */
function configOf(url: string): string {
  return new URL(url).searchParams.get("c") ?? "";
}

describe("changeChartLinks", () => {
  it("gives a public repository's changed metrics QuickChart images of the verdict's numbers", async () => {
    const { verdict, current, baseline } = await judged();
    const changed = chartedChanges(verdict.metrics);
    expect(changed.length).toBeGreaterThan(0);
    const links = changeChartLinks(verdict, current, baseline, {
      quickChartUrl: "https://quickchart.io",
      quickChartChosen: false,
      isPrivate: false,
    });
    expect(links.map((l) => l.label)).toEqual(
      changed.slice(0, MAX_CHANGE_IMAGES).map((m) => `${m.key}: baseline vs this run`),
    );
    const first = changed[0];
    const link = links[0];
    expect(link?.image).toBe(true);
    expect(link?.url.startsWith("https://quickchart.io/chart?")).toBe(true);
    const config = configOf(link?.url ?? "");
    const pct = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x).toFixed(1)} %`;
    expect(config).toContain(first?.outcome ?? "?");
    expect(config).toContain(pct(first?.change?.percent ?? Number.NaN));
    expect(config).toContain(pct(first?.change?.lowerPercent ?? Number.NaN));
    expect(config).toContain(pct(first?.change?.upperPercent ?? Number.NaN));
  });

  it("links a private repository's charts to the run page unless QuickChart was chosen", async () => {
    const { verdict, current, baseline } = await judged();
    const runUrl = "https://bench.example/reports/acme/secret/runs/pr-7-abc";
    const opts = { quickChartUrl: "https://quickchart.io", isPrivate: true, runUrl };
    const linked = changeChartLinks(verdict, current, baseline, {
      ...opts,
      quickChartChosen: false,
    });
    const key = chartedChanges(verdict.metrics)[0]?.key ?? "";
    expect(linked[0]).toEqual({
      label: `${key}: baseline vs this run`,
      url: `${runUrl}/changes/${encodeURIComponent(key)}.png`,
      image: false,
    });
    const chosen = changeChartLinks(verdict, current, baseline, {
      ...opts,
      quickChartUrl: "https://charts.acme.internal:8443",
      quickChartChosen: true,
    });
    expect(chosen[0]?.url.startsWith("https://charts.acme.internal:8443/chart?")).toBe(true);
  });

  it("draws nothing without the baseline's samples", async () => {
    const { verdict, current } = await judged();
    const opts = {
      quickChartUrl: "https://quickchart.io",
      quickChartChosen: false,
      isPrivate: false,
    };
    expect(changeChartLinks(verdict, current, null, opts)).toEqual([]);
  });
});
