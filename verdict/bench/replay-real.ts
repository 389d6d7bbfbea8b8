// The real-noise replay: each recorded series judged commit by commit with the pipeline's full
// decision, the untouched next value for false alarms and spikes, the same value made worse for power.
import type { Direction, RunResult } from "@mlxbench/proto";
import type { RunPair, VerdictConfig } from "../src/index.js";
import { medianOfSorted } from "../src/stats/index.js";
import { flagByAnchors } from "./anchor-rules.js";
import { BRIDGE_SAMPLES, bridgeSamples, buildRunResult } from "./build-run-result.js";
import { decideFully } from "./decide-fully.js";
import type { Escalated } from "../src/index.js";
import { METHODS, type Method } from "./simulated-table.js";

export interface RealSeries {
  source: string;
  name: string;
  unit: string;
  direction: "smaller_is_better" | "bigger_is_better";
  values: number[];
  ranges?: (number | null)[] | undefined;
}

/** Noise bands of robust run-to-run CV, percent, as the corpus README defines them. */
export const BANDS = [
  { name: "<1", lo: 0, hi: 1 },
  { name: "1-3", lo: 1, hi: 3 },
  { name: "3-6", lo: 3, hi: 6 },
  { name: "6-10", lo: 6, hi: 10 },
  { name: ">=10", lo: 10, hi: Number.POSITIVE_INFINITY },
] as const;
export const REAL_EFFECTS = [0, 0.05, 0.1] as const;
/**
 * A/B pairs every judged point has room for after it (the default maxPairs): the points judged do
 * not depend on the config, so configs are compared on the same points.
 */
const REPLAY_PAIRS = 12;
/** Fewest earlier values before a point is judged (below it the noise would be assumed, not measured). */
const MIN_HISTORY = 20;
/** A clean flag is a spike when the median of this many next values is back nearer the old level. */
export const SPIKE_LOOKAHEAD = 3;
const KEY = "real.metric";

export interface Tally {
  clean: number;
  flags: number;
  spikes: number;
  regressed: Record<number, { trials: number; hits: number }>;
  /**
   * mlxbench only, per effect (0 included): how often tier 2 ran, how often it then flagged, and
   * the A/B pairs it asked for in all (what a user's cluster would run; the replay may hold fewer).
   */
  tier2?: Record<number, { ran: number; flagged: number; reran: number; pairs: number }>;
}

export type BandTallies = Map<string, Record<Method, Tally>>;

const newTally = (): Tally => ({
  clean: 0,
  flags: 0,
  spikes: 0,
  regressed: Object.fromEntries(
    REAL_EFFECTS.filter((e) => e > 0).map((e) => [e, { trials: 0, hits: 0 }]),
  ),
});

/** CV as the corpus README defines it: 1.4826 · MAD(successive log differences) / √2, percent. */
export function robustRunCvPct(values: readonly number[]): number {
  const d: number[] = [];
  for (let i = 1; i < values.length; i++)
    d.push(Math.log((values[i] ?? Number.NaN) / (values[i - 1] ?? Number.NaN)));
  const sorted = Float64Array.from(d).sort();
  const center = medianOfSorted(sorted);
  const mad = medianOfSorted(Float64Array.from(d, (v) => Math.abs(v - center)).sort());
  return (100 * 1.4826 * mad) / Math.SQRT2;
}

/**
 * Within-run CV of each bridged point: its recorded range, else the series' median range, else its
 * run-to-run CV; at most what makes the run's location as noisy as the series' run-to-run noise.
 */
export function withinCvs(s: RealSeries, runCvPct: number): number[] {
  // One run's sampling error is part of the run-to-run noise the series shows, so a bridged run's
  // location may not be noisier than that: a recorded range (a stddev over many rounds, a margin
  // of error) is not the spread of 10 samples, and taken as one it made a run's own sampling
  // error larger than the series' whole run-to-run noise.
  const most = (runCvPct / 100) * Math.sqrt(BRIDGE_SAMPLES / (Math.PI / 3));
  const clamp = (cv: number): number => Math.max(0.001, Math.min(0.25, most, cv));
  const own = s.values.map((v, i) => {
    const r = s.ranges?.[i];
    return r === null || r === undefined || !(r > 0) ? null : r / v;
  });
  const known = own.filter((c): c is number => c !== null && Number.isFinite(c));
  const fallback =
    known.length > 0 ? medianOfSorted(Float64Array.from(known).sort()) : runCvPct / 100;
  return own.map((c) => clamp(c !== null && Number.isFinite(c) ? c : fallback));
}

/** Points judged: evenly spread over those with MIN_HISTORY before and room for the pairs after. */
function pickPoints(length: number, after: number, most: number): number[] {
  const first = MIN_HISTORY;
  const last = length - 1 - after;
  if (last < first) return [];
  const span = last - first + 1;
  const n = Math.min(most, span);
  return Array.from({ length: n }, (_, k) => first + Math.floor((k * span) / n));
}

export async function replaySeries(
  s: RealSeries,
  config: VerdictConfig,
  pointsPerSeries: number,
  tallies: BandTallies,
  /** Told each point's full decision, with its band and effect (a diagnosis of misses). */
  observe?: (band: string, effect: number, decided: Escalated) => void,
): Promise<void> {
  const direction: Direction =
    s.direction === "bigger_is_better" ? "higher_is_better" : "lower_is_better";
  const cvPct = robustRunCvPct(s.values);
  const band = BANDS.find((b) => cvPct >= b.lo && cvPct < b.hi)?.name ?? "n/a";
  const forBand =
    tallies.get(band) ??
    (Object.fromEntries(METHODS.map((m) => [m, newTally()])) as Record<Method, Tally>);
  tallies.set(band, forBand);
  const within = withinCvs(s, cvPct);
  const worse = (v: number, e: number): number =>
    direction === "lower_is_better" ? v * (1 + e) : v / (1 + e);
  const runAt = (i: number, e: number): RunResult =>
    buildRunResult(
      [
        {
          key: KEY,
          direction,
          samples: bridgeSamples(worse(s.values[i] ?? Number.NaN, e), within[i] ?? 0.01),
        },
      ],
      i,
      e === 0 ? "main" : "feature",
    );
  const plain = s.values.map((_, i) => runAt(i, 0));
  const after = Math.max(2 * REPLAY_PAIRS, SPIKE_LOOKAHEAD);
  for (const t of pickPoints(s.values.length, after, pointsPerSeries)) {
    const history = plain.slice(Math.max(0, t - config.noiseWindow), t);
    for (const e of REAL_EFFECTS) {
      let pairsRun = 0;
      const countRun = (ps: RunPair[]): RunPair[] => {
        pairsRun += ps.length;
        return ps;
      };
      // A re-run is the next commit's value, and A/B pairs the next commits', with the same effect.
      const decided = await decideFully(runAt(t, e), history, config, {
        runAgain: () => runAt(t + 1, e),
        runPairs: (n, skip) =>
          countRun(
            pairsAfter(
              t + 2 * skip,
              n,
              (i) => plain[i],
              (i) => runAt(i, e),
              s.values.length,
            ),
          ),
      });
      observe?.(band, e, decided);
      const regressed = decided.verdict.metrics.some((m) => m.outcome === "regressed");
      const flagged = new Set<Method>(regressed ? ["mlxbench"] : []);
      const t2 = ((forBand.mlxbench.tier2 ??= {})[e] ??= {
        ran: 0,
        flagged: 0,
        reran: 0,
        pairs: 0,
      });
      if (decided.step.kind === "rerun") t2.reran++;
      if (decided.step.kind === "confirm") {
        t2.ran++;
        t2.pairs += pairsRun;
        if (regressed) t2.flagged++;
      }
      const earlier = s.values.slice(Math.max(0, t - 100), t);
      for (const a of flagByAnchors(direction, earlier, worse(s.values[t] ?? Number.NaN, e)))
        flagged.add(a);
      for (const m of METHODS) {
        const tally = forBand[m];
        if (e === 0) {
          tally.clean++;
          if (flagged.has(m)) {
            tally.flags++;
            if (isTakenBack(s.values, t, config.levelWindow)) tally.spikes++;
          }
        } else {
          const r = tally.regressed[e];
          if (r === undefined) continue;
          r.trials++;
          if (flagged.has(m)) r.hits++;
        }
      }
    }
  }
}

/**
 * Pairs from the commits after t, in A/B/B/A order: commit t+2j+1 and t+2j+2 form pair j; as many
 * as the series holds when more are asked for (every judged point has at least REPLAY_PAIRS).
 */
function pairsAfter(
  t: number,
  n: number,
  base: (i: number) => RunResult | undefined,
  head: (i: number) => RunResult,
  length: number,
): RunPair[] {
  const held = Math.floor((length - 1 - t) / 2);
  return Array.from({ length: Math.min(n, held) }, (_, j) => {
    const [first, second] = [t + 2 * j + 1, t + 2 * j + 2];
    const [b, h] = j % 2 === 0 ? [first, second] : [second, first];
    const baseRun = base(b);
    if (baseRun === undefined) throw new RangeError(`no commit ${b} for pair ${j + 1}`);
    return { base: baseRun, head: head(h) };
  });
}

/** Whether the series took the value at t back: the next values' median is nearer the old level. */
function isTakenBack(values: readonly number[], t: number, levelRuns: number): boolean {
  const logMedian = (xs: readonly number[]): number =>
    medianOfSorted(Float64Array.from(xs, Math.log).sort());
  const level = logMedian(values.slice(Math.max(0, t - levelRuns), t));
  const next = logMedian(values.slice(t + 1, t + 1 + SPIKE_LOOKAHEAD));
  const flagged = Math.log(values[t] ?? Number.NaN);
  return Math.abs(next - level) < Math.abs(next - flagged);
}
