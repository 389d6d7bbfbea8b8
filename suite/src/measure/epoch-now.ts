/** Epoch milliseconds with sub-millisecond precision, on the same clock as the reference cluster's ground truth. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
