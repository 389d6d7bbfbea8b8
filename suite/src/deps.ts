import type { Logger } from "pino";

/** Wall clock for timestamps and a monotonic clock for durations, both in milliseconds. */
export interface Clock {
  now(): Date;
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};

/** Where the suite tells a person how far it got; a TTY bar or plain lines, chosen by the CLI. */
export interface ProgressReporter {
  /** A new phase with `total` steps (0 when unknown). */
  phase(label: string, total: number): void;
  /** One or more steps of the current phase done. */
  advance(steps?: number, detail?: string): void;
  /** A line worth keeping in the log (component finished, warning). */
  note(message: string): void;
  /** Clears a bar, if any; called once at the end. */
  finish(): void;
}

export const silentProgress: ProgressReporter = {
  phase: () => undefined,
  advance: () => undefined,
  note: () => undefined,
  finish: () => undefined,
};

export interface SuiteDeps {
  clock: Clock;
  logger: Logger;
  progress: ProgressReporter;
  /** Aborts the run (SIGINT, a superseded job). */
  signal?: AbortSignal;
}
