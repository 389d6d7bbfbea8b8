// Loading the real-noise corpus and reporting its replay per noise band.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ANCHORS, type Anchor } from "./anchor-rules.js";
import { formatTable, per100, ratio } from "./format-table.js";
import { BANDS, type BandTallies, type RealSeries, type Tally } from "./replay-real.js";
import { METHODS, type Method } from "./simulated-table.js";

const RealHistories = z.object({
  format: z.literal("mlxbench-real-histories/1"),
  series: z.array(
    z.object({
      source: z.string(),
      name: z.string(),
      unit: z.string(),
      direction: z.enum(["smaller_is_better", "bigger_is_better"]),
      values: z.array(z.number().positive()),
      ranges: z.array(z.number().nullable()).optional(),
    }),
  ),
});

export function loadRealHistories(url: URL): RealSeries[] {
  const parsed = RealHistories.safeParse(JSON.parse(readFileSync(url, "utf8")));
  if (!parsed.success)
    throw new Error(`${url.pathname}: not a real-histories file (${parsed.error.message})`);
  return parsed.data.series;
}

/** All bands' tallies of one method added up. */
export function sumTallies(tallies: BandTallies, m: Method, bands?: readonly string[]): Tally {
  const out: Tally = { clean: 0, flags: 0, spikes: 0, regressed: {} };
  for (const [band, byMethod] of tallies) {
    if (bands !== undefined && !bands.includes(band)) continue;
    const t = byMethod[m];
    out.clean += t.clean;
    out.flags += t.flags;
    out.spikes += t.spikes;
    for (const [e, r] of Object.entries(t.tier2 ?? {})) {
      const into = ((out.tier2 ??= {})[Number(e)] ??= { ran: 0, flagged: 0, reran: 0, pairs: 0 });
      into.ran += r.ran;
      into.pairs += r.pairs;
      into.flagged += r.flagged;
      into.reran += r.reran;
    }
    for (const [e, r] of Object.entries(t.regressed)) {
      const into = (out.regressed[Number(e)] ??= { trials: 0, hits: 0 });
      into.trials += r.trials;
      into.hits += r.hits;
    }
  }
  return out;
}

export const powerOf = (t: Tally, effect: number): number =>
  (t.regressed[effect]?.hits ?? 0) / Math.max(1, t.regressed[effect]?.trials ?? 0);
export const flagsPer100 = (t: Tally): number => (100 * t.flags) / Math.max(1, t.clean);

/** A band's best anchor: the most power for +5 % among those with ≤ 1.5 flags per 100; else the fewest flags. */
export function findBandAnchor(tallies: BandTallies, band: string): Anchor | undefined {
  const of = (a: Anchor): Tally => sumTallies(tallies, a, [band]);
  const eligible = ANCHORS.filter((a) => flagsPer100(of(a)) <= 1.5);
  if (eligible.length > 0)
    return [...eligible].sort((a, b) => powerOf(of(b), 0.05) - powerOf(of(a), 0.05))[0];
  return [...ANCHORS].sort((a, b) => flagsPer100(of(a)) - flagsPer100(of(b)))[0];
}

/** Whether ours has at least the band anchor's power at no more of its flags. */
export function meetsBandAnchor(tallies: BandTallies, band: string): boolean {
  const anchor = findBandAnchor(tallies, band);
  if (anchor === undefined) return true;
  const ours = sumTallies(tallies, "mlxbench", [band]);
  const theirs = sumTallies(tallies, anchor, [band]);
  return powerOf(ours, 0.05) >= powerOf(theirs, 0.05) && flagsPer100(ours) <= flagsPer100(theirs);
}

export function formatRealReport(tallies: BandTallies, series: number): string {
  const rows: string[][] = [
    ["band (run CV %)", "method", "clean points", "flags /100", "spikes /100", "+5 %", "+10 %"],
  ];
  for (const band of [...BANDS.map((b) => b.name), "all"]) {
    const only = band === "all" ? undefined : [band];
    for (const m of METHODS) {
      const t = sumTallies(tallies, m, only);
      if (t.clean === 0) continue;
      rows.push([
        band,
        m,
        String(t.clean),
        per100(t.flags, t.clean),
        per100(t.spikes, t.clean),
        ratio(t.regressed[0.05]?.hits ?? 0, t.regressed[0.05]?.trials ?? 0),
        ratio(t.regressed[0.1]?.hits ?? 0, t.regressed[0.1]?.trials ?? 0),
      ]);
    }
  }
  const verdicts = BANDS.map((b) => b.name)
    .filter((b) => sumTallies(tallies, "mlxbench", [b]).clean > 0)
    .map(
      (b) =>
        `${b}: vs ${findBandAnchor(tallies, b) ?? "none"} ${meetsBandAnchor(tallies, b) ? "met" : "missed"}`,
    );
  const tier2 = BANDS.map((b) => b.name)
    .filter((b) => sumTallies(tallies, "mlxbench", [b]).clean > 0)
    .map((b) => {
      const t = sumTallies(tallies, "mlxbench", [b]);
      const at = (e: number): string =>
        `${t.tier2?.[e]?.ran ?? 0} ran, ${t.tier2?.[e]?.flagged ?? 0} flagged (${t.tier2?.[e]?.reran ?? 0} re-runs instead)`;
      return `${b}: clean ${at(0)}; +5 % ${at(0.05)} of ${t.regressed[0.05]?.trials ?? 0}`;
    });
  const all = sumTallies(tallies, "mlxbench");
  const clean = all.tier2?.[0] ?? { ran: 0, pairs: 0 };
  const cost = `clean points that ran A/B pairs: ${clean.ran} of ${all.clean} (${ratio(clean.ran, all.clean)}), ${(clean.pairs / Math.max(1, clean.ran)).toFixed(1)} pairs each on average, ${(clean.pairs / Math.max(1, all.clean)).toFixed(2)} per clean point`;
  return [
    `real corpus replay: ${series} series, one value per commit bridged to a run; mlxbench = screen + re-run or A/B pairs from the next commits`,
    formatTable(rows),
    `each band against its best anchor (most +5 % power at ≤ 1.5 flags /100): ${verdicts.join("; ")}`,
    `mlxbench's tier 2 (A/B pairs from the next commits) per band, points where pairs ran and then flagged: ${tier2.join("; ")}`,
    cost,
  ].join("\n");
}
