// Evaluates the regression verdict: on simulated PRs (calm and corpus-like noise) against the
// anchors' rules, on the real-noise corpus replayed commit by commit, and the paired confirmation.
// Run: npm run bench:verdict. Knobs for a quick look: CLEAN_PRS, PER_CELL, AIM_CELL, STEP_PRS,
// CORPUS_PRS, CORPUS_CELL, REAL_POINTS (per series), REAL_EVERY (every k-th series), PAIRED_TRIALS, PAIRED_METRICS (metrics per paired job, 1),
// PAIRED_PAIRS (A/B pairs per paired job, 8), SEED.
// To rerun one table fast: REAL_ONLY=1 (the real corpus only), PAIRED_ONLY=1 (the paired mode only),
// CONFIG='{"closeCallP":0.3}' (verdict config fields over the defaults, for every table),
// REAL_HALF=even|odd (half the real series by index: choose a parameter on one, report on the other),
// MISSES=1 (why the real replay's +5 % points went unflagged, per band).
import { createRng, deriveSeed } from "../src/stats/index.js";
import { parseVerdictConfig } from "../src/index.js";
import { formatTable } from "./format-table.js";
import {
  readConfigKnob,
  readCountKnob,
  readHalfKnob,
  readNumberKnob,
  readOnlyKnobs,
  readFlagKnob,
} from "./read-knobs.js";
import { runPairedMode, PAIRED_EFFECT, PAIRED_PAIRS, PAIRED_RUN_NOISE } from "./paired-mode.js";
import {
  flagsPer100,
  formatRealReport,
  loadRealHistories,
  powerOf,
  sumTallies,
} from "./real-report.js";
import { MissCauses, missCause } from "./miss-causes.js";
import { replaySeries, type BandTallies } from "./replay-real.js";
import { CALM, CORPUS_LIKE } from "./simulate-scenario.js";
import {
  findBestAnchor,
  formatSimulatedTable,
  runStepTable,
  runTable,
  tableFalseAlarms,
  tableRate,
} from "./simulated-table.js";

const knob = (name: string, fallback: number): number =>
  readNumberKnob(process.env, name, fallback);

const SEED = knob("SEED", 7);
const { realOnly: REAL_ONLY, pairedOnly: PAIRED_ONLY } = readOnlyKnobs(process.env);
const overrides = readConfigKnob(process.env);
const config = parseVerdictConfig(overrides);

async function main(): Promise<void> {
  const started = performance.now();
  const lap = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
  const result: string[] = [];
  if (!REAL_ONLY && !PAIRED_ONLY) result.push(...(await runSimulatedTables()));
  if (!REAL_ONLY) result.push(...(await runPaired()));
  console.log(`(simulation and paired mode ${lap()})`);
  if (!PAIRED_ONLY) result.push(...(await runReal()));
  console.log(`(total ${lap()})`);
  const half = readHalfKnob(process.env);
  const only =
    (REAL_ONLY ? " only=real" : PAIRED_ONLY ? " only=paired" : "") +
    (half === "all" ? "" : ` real_half=${half}`);
  const shown = Object.keys(overrides).length > 0 ? ` config=${JSON.stringify(overrides)}` : "";
  if (only !== "" || shown !== "") console.log(`(partial or changed run:${only}${shown})`);
  // The order, whatever ran first; a key absent here was not measured in this run.
  const rank = (field: string): number => RESULT_ORDER.indexOf(field.split("=")[0] ?? "");
  console.log(["RESULT", ...result.sort((a, b) => rank(a) - rank(b))].join(" "));
}

const RESULT_ORDER = [
  "false_alarms_per_100",
  "power_5pct",
  "real_false_alarms_per_100",
  "real_spike_alarms_per_100",
  "real_power_5pct",
  "real_power_5pct_1to3",
  "real_power_5pct_3to6",
  "paired_power_2pct",
  "paired_false_alarms_per_100",
  "best_anchor_power_5pct",
];

/** The simulated tables (calm, level changes, corpus-like); returns their RESULT fields. */
async function runSimulatedTables(): Promise<string[]> {
  const calm = await runTable(
    createRng(deriveSeed(SEED, "calm")),
    CALM,
    {
      cleanPrs: knob("CLEAN_PRS", 1000),
      perCell: knob("PER_CELL", 150),
      aimCell: knob("AIM_CELL", 400),
    },
    config,
  );
  console.log(formatSimulatedTable(calm));
  const steps = await runStepTable(
    createRng(deriveSeed(SEED, "steps")),
    CALM,
    knob("STEP_PRS", 100),
    config,
  );
  console.log("mlxbench after the default branch changed level (every metric; + is worse):");
  console.log(
    formatTable([
      ["level change", "runs before the baseline", "false alarms /100 clean PRs", "5%@cv3"],
      ...steps.rows,
    ]),
  );
  const corpusLike = await runTable(
    createRng(deriveSeed(SEED, "corpus-like")),
    CORPUS_LIKE,
    {
      cleanPrs: knob("CORPUS_PRS", 300),
      perCell: knob("CORPUS_CELL", 40),
      aimCell: knob("CORPUS_CELL", 40),
    },
    config,
  );
  console.log(formatSimulatedTable(corpusLike));
  const best = findBestAnchor(calm);
  return [
    `false_alarms_per_100=${tableFalseAlarms(calm, "mlxbench").toFixed(2)}`,
    `power_5pct=${tableRate(calm, "mlxbench", 0.05, 0.03).toFixed(3)}`,
    `best_anchor_power_5pct=${best === undefined ? "n/a" : tableRate(calm, best, 0.05, 0.03).toFixed(3)}`,
  ];
}

/** The paired confirmation on its own (threshold 2 %, CONFIG laid over it). */
async function runPaired(): Promise<string[]> {
  const metrics = readCountKnob(process.env, "PAIRED_METRICS", 1, 1);
  const pairs = readCountKnob(process.env, "PAIRED_PAIRS", PAIRED_PAIRS, 2);
  const paired = await runPairedMode(
    createRng(deriveSeed(SEED, "paired")),
    knob("PAIRED_TRIALS", 1000),
    parseVerdictConfig({ defaultThresholdPct: PAIRED_EFFECT * 100, ...overrides }),
    metrics,
    pairs,
  );
  const pairedPower = paired.hits / Math.max(1, paired.trials);
  const pairedFa = (100 * paired.falseAlarms) / Math.max(1, paired.trials);
  console.log(
    `paired mode: ${metrics} metric(s), ${pairs} A/B/B/A pairs in a drifting job, ${PAIRED_RUN_NOISE * 100} % run-to-run noise between jobs, threshold ${PAIRED_EFFECT * 100} %, ${paired.trials} clean and ${paired.trials} regressed: power ${pairedPower.toFixed(3)} for +${PAIRED_EFFECT * 100} %, ${pairedFa.toFixed(2)} false alarms /100`,
  );
  console.log(
    `  flagged with Holm's p above confirmAlpha ${parseVerdictConfig(overrides).confirmAlpha} (pairs decide at Holm's level only, so 0 is expected): ${paired.byIntervalOnly.hits} of ${paired.hits} hits, ${paired.byIntervalOnly.falseAlarms} of ${paired.falseAlarms} false alarms`,
  );
  return [
    `paired_power_2pct=${pairedPower.toFixed(3)}`,
    `paired_false_alarms_per_100=${pairedFa.toFixed(2)}`,
  ];
}

/** The real-noise corpus replayed commit by commit; returns its RESULT fields. */
async function runReal(): Promise<string[]> {
  const series = loadRealHistories(new URL("./data/real-histories.json", import.meta.url));
  const every = Math.max(1, knob("REAL_EVERY", 1));
  const tallies: BandTallies = new Map();
  const half = readHalfKnob(process.env);
  const inHalf = (i: number): boolean => half === "all" || (i % 2 === 0) === (half === "even");
  const chosen = series.filter((_, i) => i % every === 0 && inHalf(i));
  const misses = readFlagKnob(process.env, "MISSES") ? new MissCauses() : undefined;
  for (const s of chosen)
    await replaySeries(s, config, knob("REAL_POINTS", 12), tallies, (band, effect, decided) => {
      if (effect === 0.05) misses?.add(band, missCause(decided, config.maxPairs));
    });
  console.log(formatRealReport(tallies, chosen.length));
  if (misses !== undefined) console.log(misses.format(5));
  const real = sumTallies(tallies, "mlxbench");
  const band = (b: string): number => powerOf(sumTallies(tallies, "mlxbench", [b]), 0.05);
  return [
    `real_false_alarms_per_100=${flagsPer100(real).toFixed(2)}`,
    `real_spike_alarms_per_100=${((100 * real.spikes) / Math.max(1, real.clean)).toFixed(2)}`,
    `real_power_5pct=${powerOf(real, 0.05).toFixed(3)}`,
    `real_power_5pct_1to3=${band("1-3").toFixed(3)}`,
    `real_power_5pct_3to6=${band("3-6").toFixed(3)}`,
  ];
}

await main();
