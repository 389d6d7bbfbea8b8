import * as quickchart from "quickchart-js";
import type { RunResult, Verdict } from "@mlxbench/proto";
import {
  baselineVsRunChartConfig,
  baselineVsRunInputOf,
  chartedChanges,
} from "@mlxbench/suite/report/chart-configs";

// quickchart-js ships CommonJS types next to an ES module: take the class from the namespace
// (as the pages' trends do).
type QuickChartClass = typeof quickchart.default.default;
// Its config type is a chart of any type; whether a scatter chart's config is assignable to it
// depends on the order tsc checks files in, so the config is handed over as that type.
type QuickChartConfig = Parameters<InstanceType<QuickChartClass>["setConfig"]>[0];
const asQuickChartConfig = (config: object): QuickChartConfig => config as QuickChartConfig;
const quickchartDefault = quickchart.default as unknown as
  QuickChartClass | { default: QuickChartClass };
const QuickChart: QuickChartClass =
  "default" in quickchartDefault ? quickchartDefault.default : quickchartDefault;

/** Images in the comment at most: the gated changes first; the run page has every one. */
export const MAX_CHANGE_IMAGES = 3;

export interface ChangeChart {
  label: string;
  url: string;
  /** Shown inline (an image URL GitHub's image proxy can fetch) rather than linked. */
  image: boolean;
}

export interface ChangeChartOptions {
  /** QuickChart's base URL (https://quickchart.io, or a self-hosted one). */
  quickChartUrl: string;
  /**
   * A private repository's numbers go to QuickChart only when its host was chosen on purpose
   * (QUICKCHART_URL); otherwise its charts are links to the run page, behind sign-in.
   */
  quickChartChosen: boolean;
  isPrivate: boolean;
  runUrl?: string;
}

/**
 * Baseline-vs-run charts of the changed metrics for the PR comment. GitHub fetches comment images
 * through its proxy without the reader's cookies, so an image behind the pages' sign-in would be
 * broken; a QuickChart URL carries the chart's config and renders for anyone who sees the comment.
 */
export function changeChartLinks(
  verdict: Verdict | null,
  current: RunResult | null,
  baseline: RunResult | null,
  opts: ChangeChartOptions,
): ChangeChart[] {
  if (!verdict) return [];
  const inline = !opts.isPrivate || opts.quickChartChosen;
  const host = new URL(opts.quickChartUrl);
  return chartedChanges(verdict.metrics)
    .slice(0, MAX_CHANGE_IMAGES)
    .flatMap((m): ChangeChart[] => {
      const input = baselineVsRunInputOf(m, current, baseline);
      if (!input) return [];
      const label = `${m.key}: baseline vs this run`;
      if (inline) {
        const url = new QuickChart()
          .setConfig(asQuickChartConfig(baselineVsRunChartConfig(input)))
          .setScheme(host.protocol.replace(":", ""))
          .setHost(host.host)
          .setWidth(640)
          .setHeight(400)
          .setBackgroundColor("#ffffff")
          .getUrl();
        return [{ label, url, image: true }];
      }
      return opts.runUrl
        ? [{ label, url: `${opts.runUrl}/changes/${encodeURIComponent(m.key)}.png`, image: false }]
        : [];
    });
}
