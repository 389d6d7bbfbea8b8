import type { ProgressReporter } from "../index.js";

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A one-line progress bar redrawn in place on a terminal; plain timestamped lines anywhere else
 * (CI logs, files), so a log shows how far the suite got when it stopped.
 */
export function createProgressReporter(
  stream: ProgressStream,
  now: () => Date = () => new Date(),
): ProgressReporter {
  let label = "";
  let total = 0;
  let done = 0;
  let barShown = false;
  const tty = stream.isTTY === true;
  const clearBar = (): void => {
    if (barShown) stream.write("\r\x1b[2K");
    barShown = false;
  };
  const drawBar = (detail?: string): void => {
    const width = 24;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const bar =
      total > 0
        ? `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`
        : "[working]";
    const line = `${label} ${bar}${detail ? ` ${detail}` : ""}`;
    const max = Math.max(20, (stream.columns ?? 100) - 1);
    stream.write(`\r\x1b[2K${line.slice(0, max)}`);
    barShown = true;
  };
  const stamp = (): string => now().toISOString().slice(11, 19);
  return {
    phase(newLabel, newTotal) {
      label = newLabel;
      total = newTotal;
      done = 0;
      if (tty) drawBar();
      else stream.write(`[${stamp()}] ${label}${total ? ` (${total} steps)` : ""}\n`);
    },
    advance(steps = 1, detail) {
      done += steps;
      if (tty) drawBar(detail);
      else if (detail)
        stream.write(`[${stamp()}]   ${label}: ${detail}${total ? ` (${done}/${total})` : ""}\n`);
    },
    note(message) {
      clearBar();
      stream.write(`[${stamp()}] ${message}\n`);
      if (tty && label) drawBar();
    },
    finish() {
      clearBar();
    },
  };
}
