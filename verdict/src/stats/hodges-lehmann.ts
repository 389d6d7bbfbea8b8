import { medianOfSorted } from "./median.js";

/**
 * Hodges–Lehmann location: the median of all pairwise (Walsh) averages. As robust as the median
 * against outliers (breakdown 29 %) but about 95 % as precise as the mean on normal data, where
 * the median manages 64 %; with 10–30 samples per run that difference decides what is detectable.
 */
export function computeHodgesLehmann(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const walsh = new Float64Array((n * (n + 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = values[i] ?? Number.NaN;
    for (let j = i; j < n; j++) walsh[k++] = (a + (values[j] ?? Number.NaN)) / 2;
  }
  return medianOfSorted(walsh.sort());
}
