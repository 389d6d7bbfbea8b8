// Ticks only at the values that were measured: a log axis left to Chart.js draws ~20 rotated
// labels for 4 points, a linear one labels levels nobody ran.

/** The part of a Chart.js scale `afterBuildTicks` may rewrite. */
export interface TickedAxis {
  ticks: { value: number }[];
}

/** Axis options that put one unrotated tick at each distinct measured value, ascending. */
export function measuredTicks(values: readonly number[], format: (v: number) => string = String) {
  const levels = [...new Set(values)].sort((a, b) => a - b);
  return {
    afterBuildTicks(axis: TickedAxis): void {
      axis.ticks = levels.map((value) => ({ value }));
    },
    ticks: {
      autoSkip: false,
      maxRotation: 0,
      callback: (value: number | string): string => format(Number(value)),
    },
  };
}

/** 512 → "512 KiB", 1024 → "1 MiB": a payload size in KiB, in the unit that reads shortest. */
export function formatKib(kib: number): string {
  if (kib >= 1024 * 1024) return `${+(kib / 1024 / 1024).toFixed(1)} GiB`;
  if (kib >= 1024) return `${+(kib / 1024).toFixed(1)} MiB`;
  return `${+kib.toFixed(1)} KiB`;
}
