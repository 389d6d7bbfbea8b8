import type { MetricVerdict } from "./metric-verdict.js";

/** The metric's change as shown: the confirmed paired estimate when there is one, else the screen's. */
export function formatChange(v: Pick<MetricVerdict, "change" | "confirmation">): string {
  const c = v.confirmation;
  if (c !== null) {
    return `${formatSigned(c.percent)} % [${formatSigned(c.lowerPercent)}, ${formatSigned(c.upperPercent)}] (${c.pairs} A/B pairs)`;
  }
  return formatScreenChange(v);
}

/** The screen's change with its interval: "+6.1 % [+2.0, +10.3]". */
export function formatScreenChange(v: Pick<MetricVerdict, "change">): string {
  const c = v.change;
  if (c === null) return "no change measured";
  return `${formatSigned(c.percent)} % [${formatSigned(c.lowerPercent)}, ${formatSigned(c.upperPercent)}]`;
}

export function formatSigned(x: number): string {
  const s = Math.abs(x) < 0.05 ? "0.0" : Math.abs(x).toFixed(1);
  return x <= -0.05 ? `−${s}` : `+${s}`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return "n/a";
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** A test's level as a person writes it: 0.01, 0.005. */
export function formatLevel(level: number): string {
  return String(Number(level.toPrecision(2)));
}

export function toPercent(logRatio: number): number {
  return (Math.exp(logRatio) - 1) * 100;
}
