/**
 * Holm's step-down adjustment: adjusted p-values that keep the family-wise error rate (any false
 * rejection among all metrics of a run) at alpha under any dependence between the tests.
 * NaN p-values (tests that were not run) stay NaN and do not count towards the family.
 */
export function adjustHolm(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((e) => !Number.isNaN(e.p))
    .sort((a, b) => a.p - b.p);
  const m = order.length;
  const adjusted = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((e, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * e.p));
    adjusted[e.i] = running;
  });
  return adjusted;
}
