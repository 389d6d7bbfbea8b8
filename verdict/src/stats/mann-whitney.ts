import { normalCdf } from "./distributions.js";

export interface MannWhitneyResult {
  /** U of the first sample: how often one of its values exceeds one of the second's (ties count ½). */
  u: number;
  /** Two-sided p-value. */
  p: number;
  /** "exact" without ties at small sizes, else the normal approximation with tie and continuity correction. */
  method: "exact" | "normal";
  /** +1 when the first sample tends larger, −1 when smaller, 0 when balanced. */
  direction: -1 | 0 | 1;
}

// Counts stay exact in doubles below 2^53: C(50, 25) ≈ 1.3e14.
const EXACT_MAX_TOTAL = 50;

/** Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples, two-sided. */
export function testMannWhitney(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0)
    throw new RangeError(`Mann–Whitney needs two non-empty samples (got ${n1} and ${n2})`);
  const all = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort(
    (a, b) => a.v - b.v,
  );
  const total = n1 + n2;
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < total;) {
    let j = i;
    while (j + 1 < total && all[j + 1]?.v === all[i]?.v) j++;
    const rank = (i + j) / 2 + 1;
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]?.g === 0) rankSumX += rank;
    i = j + 1;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const direction = u > mean ? 1 : u < mean ? -1 : 0;
  if (tieTerm === 0 && total <= EXACT_MAX_TOTAL) {
    return { u, p: computeExactTwoSidedP(u, n1, n2), method: "exact", direction };
  }
  const variance = ((n1 * n2) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (variance <= 0) return { u, p: 1, method: "normal", direction: 0 };
  const diff = Math.abs(u - mean);
  const z = Math.max(0, diff - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalCdf(-z)), method: "normal", direction };
}

/** Null distribution of U without ties: the coefficients of the Gaussian binomial [n1+n2 choose n1]_q. */
function computeExactTwoSidedP(u: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const maxU = m * n;
  const poly = new Float64Array(maxU + 1);
  poly[0] = 1;
  for (let i = 1; i <= m; i++) {
    const up = n + i;
    for (let k = maxU; k >= up; k--) poly[k] = (poly[k] ?? 0) - (poly[k - up] ?? 0);
    for (let k = i; k <= maxU; k++) poly[k] = (poly[k] ?? 0) + (poly[k - i] ?? 0);
  }
  let all = 0;
  let lower = 0;
  let upper = 0;
  for (let k = 0; k <= maxU; k++) {
    const c = poly[k] ?? 0;
    all += c;
    if (k <= u) lower += c;
    if (k >= u) upper += c;
  }
  return Math.min(1, (2 * Math.min(lower, upper)) / all);
}
