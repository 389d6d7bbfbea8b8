// The simulated table: false alarms on clean 8-metric PRs and detection per effect × within-run CV,
// for our full decision (screen, then re-run or A/B pairs) and each anchor's rule.
import type { Rng } from "../src/stats/index.js";
import type { VerdictConfig } from "../src/index.js";
import { ANCHORS, flagByAnchors, type Anchor } from "./anchor-rules.js";
import { decideFully } from "./decide-fully.js";
import { formatTable } from "./format-table.js";
import {
  CVS,
  simulateScenario,
  type NoiseProfile,
  type Scenario,
  type Step,
} from "./simulate-scenario.js";

export const EFFECTS = [0.02, 0.05, 0.1] as const;
export const METHODS = ["mlxbench", ...ANCHORS] as const;
export type Method = (typeof METHODS)[number];

export interface TableSizes {
  cleanPrs: number;
  perCell: number;
  /** The aim's cell (5 % at 3 % CV) gets more PRs so its figure is tighter. */
  aimCell: number;
}

export interface TableResult {
  profile: string;
  cleanPrs: number;
  falseAlarms: Record<Method, number>;
  /** Clean PRs that ended neutral, and that ran a confirmation. */
  cleanNeutral: number;
  cleanConfirmed: number;
  hits: Map<string, Record<Method, number>>;
  trials: Map<string, number>;
}

const cellOf = (effect: number, cv: number): string => `${effect}:${cv}`;
const zeroes = (): Record<Method, number> =>
  Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<Method, number>;

/** Metric indices each method flags as regressed, our conclusion, and whether pairs ran. */
export async function judgeScenario(
  scenario: Scenario,
  config: VerdictConfig,
): Promise<{ flagged: Record<Method, Set<number>>; conclusion: string; confirmed: boolean }> {
  const flagged = Object.fromEntries(METHODS.map((m) => [m, new Set<number>()])) as Record<
    Method,
    Set<number>
  >;
  const history = scenario.history.slice(-config.noiseWindow);
  const decided = await decideFully(scenario.current, history, config, scenario);
  decided.verdict.metrics.forEach((m, i) => {
    if (m.outcome === "regressed") flagged.mlxbench.add(i);
  });
  const currentMeans = scenario.current.metrics.map(
    (m) => m.samples.reduce((a, b) => a + b, 0) / Math.max(1, m.samples.length),
  );
  scenario.specs.forEach((s, i) => {
    const series = scenario.historyMeans.map((r) => r[i] ?? Number.NaN);
    for (const a of flagByAnchors(s.direction, series, currentMeans[i] ?? Number.NaN))
      flagged[a].add(i);
  });
  return {
    flagged,
    conclusion: decided.verdict.conclusion,
    confirmed: decided.step.kind === "confirm",
  };
}

export async function runTable(
  rng: Rng,
  profile: NoiseProfile,
  sizes: TableSizes,
  config: VerdictConfig,
): Promise<TableResult> {
  const falseAlarms = zeroes();
  let cleanNeutral = 0;
  let cleanConfirmed = 0;
  for (let k = 0; k < sizes.cleanPrs; k++) {
    const judged = await judgeScenario(simulateScenario(rng, profile, 0, null), config);
    for (const m of METHODS) if (judged.flagged[m].size > 0) falseAlarms[m]++;
    if (judged.conclusion === "neutral") cleanNeutral++;
    if (judged.confirmed) cleanConfirmed++;
  }
  const hits = new Map<string, Record<Method, number>>();
  const trials = new Map<string, number>();
  for (const effect of EFFECTS) {
    for (const cv of CVS) {
      const n = effect === 0.05 && cv === 0.03 ? sizes.aimCell : sizes.perCell;
      const cell = zeroes();
      for (let k = 0; k < n; k++) {
        const scenario = simulateScenario(rng, profile, effect, cv);
        const { flagged } = await judgeScenario(scenario, config);
        for (const m of METHODS)
          if (scenario.injected !== null && flagged[m].has(scenario.injected)) cell[m]++;
      }
      hits.set(cellOf(effect, cv), cell);
      trials.set(cellOf(effect, cv), n);
    }
  }
  return {
    profile: profile.name,
    cleanPrs: sizes.cleanPrs,
    falseAlarms,
    cleanNeutral,
    cleanConfirmed,
    hits,
    trials,
  };
}

export function tableRate(t: TableResult, m: Method, effect: number, cv: number): number {
  return (t.hits.get(cellOf(effect, cv))?.[m] ?? 0) / (t.trials.get(cellOf(effect, cv)) ?? 1);
}

export function tableFalseAlarms(t: TableResult, m: Method): number {
  return (100 * t.falseAlarms[m]) / Math.max(1, t.cleanPrs);
}

export function formatSimulatedTable(t: TableResult): string {
  const header = [
    "method",
    "false alarms /100 clean PRs",
    ...EFFECTS.flatMap((e) => CVS.map((cv) => `${e * 100}%@cv${cv * 100}`)),
  ];
  const rows = METHODS.map((m) => [
    m,
    tableFalseAlarms(t, m).toFixed(1),
    ...EFFECTS.flatMap((e) => CVS.map((cv) => tableRate(t, m, e, cv).toFixed(2))),
  ]);
  const regressed = [...t.trials.values()].reduce((a, b) => a + b, 0);
  return [
    `simulated table, ${t.profile} noise: ${t.cleanPrs} clean PRs, ${regressed} regressed PRs; detection = injected metric flagged, columns effect@within-run CV`,
    formatTable([header, ...rows]),
    `mlxbench on clean PRs: ${((100 * t.cleanNeutral) / Math.max(1, t.cleanPrs)).toFixed(1)} /100 neutral, ${((100 * t.cleanConfirmed) / Math.max(1, t.cleanPrs)).toFixed(1)} /100 ran A/B pairs`,
  ].join("\n");
}

/** The best anchor of a table: the most power at 5 % @ 3 % among those with ≤ 1 false alarm per 100. */
export function findBestAnchor(t: TableResult): Anchor | undefined {
  const eligible = ANCHORS.filter((m) => tableFalseAlarms(t, m) <= 1);
  const pool = eligible.length > 0 ? eligible : [...ANCHORS];
  return [...pool].sort((a, b) =>
    eligible.length > 0
      ? tableRate(t, b, 0.05, 0.03) - tableRate(t, a, 0.05, 0.03)
      : tableFalseAlarms(t, a) - tableFalseAlarms(t, b),
  )[0];
}

export const STEP_RUNS_AGO = [3, 5, 8] as const;

/** After the default branch changed level: our false alarms on clean PRs and power for 5 % @ 3 %. */
export async function runStepTable(
  rng: Rng,
  profile: NoiseProfile,
  prs: number,
  config: VerdictConfig,
): Promise<{ rows: string[][]; falseAlarmsMax: number; powerMin: number }> {
  const rows: string[][] = [];
  let powerMin = 1;
  let falseAlarmsMax = 0;
  for (const percent of [10, -10]) {
    for (const runsAgo of STEP_RUNS_AGO) {
      const step: Step = { runsAgo, percent };
      let alarms = 0;
      let hits = 0;
      for (let k = 0; k < prs; k++) {
        const clean = await judgeScenario(simulateScenario(rng, profile, 0, null, step), config);
        if (clean.flagged.mlxbench.size > 0) alarms++;
        const scenario = simulateScenario(rng, profile, 0.05, 0.03, step);
        const { flagged } = await judgeScenario(scenario, config);
        if (scenario.injected !== null && flagged.mlxbench.has(scenario.injected)) hits++;
      }
      falseAlarmsMax = Math.max(falseAlarmsMax, (100 * alarms) / prs);
      powerMin = Math.min(powerMin, hits / prs);
      rows.push([
        `${percent > 0 ? "+" : ""}${percent} %`,
        String(runsAgo),
        ((100 * alarms) / prs).toFixed(1),
        (hits / prs).toFixed(2),
      ]);
    }
  }
  return { rows, falseAlarmsMax, powerMin };
}
