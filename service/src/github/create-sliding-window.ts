/**
 * Counts events in a rolling window: `tryTake` admits one when fewer than `limit` happened in the
 * last `windowMs`. A ring of the last `limit` times, so admission is O(1) and never sleeps.
 */
export interface SlidingWindow {
  tryTake(now: number): boolean;
  /** Whether one more would be admitted at `now`, without taking it. */
  hasRoom(now: number): boolean;
}

export function createSlidingWindow(limit: number, windowMs: number): SlidingWindow {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`window limit must be a positive integer, got ${limit}`);
  const times = new Float64Array(limit);
  let next = 0;
  let count = 0;
  // When full, times[next] is the oldest of the last `limit` events.
  const hasRoom = (now: number) => count < limit || now - (times[next] ?? 0) >= windowMs;
  return {
    hasRoom,
    tryTake(now) {
      if (!hasRoom(now)) return false;
      times[next] = now;
      next = (next + 1) % limit;
      if (count < limit) count++;
      return true;
    },
  };
}
