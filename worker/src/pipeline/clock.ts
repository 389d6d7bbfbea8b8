/**
 * Where the pipeline and the queue worker read the time: one injected clock for every timestamp
 * and duration, so a test that holds the clock sees its own figures, not the machine's.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The machine's clock: what production passes. */
export const systemClock: Clock = { now: () => Date.now() };

/** Runs `fn` and adds its duration on `clock` to `add`, whether it resolves or throws. */
export async function timed<T>(
  clock: Clock,
  fn: () => Promise<T>,
  add: (ms: number) => void,
): Promise<T> {
  const start = clock.now();
  try {
    return await fn();
  } finally {
    add(clock.now() - start);
  }
}
