export type PairSide = "base" | "head";

export interface PairSlot {
  /** 0-based pair index. */
  pair: number;
  side: PairSide;
}

/**
 * The order of a confirmation's runs: A/B/B/A/A/B/B/A… (A the merge-base, B the head). Within a
 * pair the two runs are back to back, so the cluster's state and slow drift are shared; reversing
 * every other pair cancels a linear drift over each four runs, and consecutive runs of one side
 * share a cluster start. `afterHead`: the head's cluster is already running (the screen's run),
 * so the sequence begins B/A/A/B… and saves one switch. Throws RangeError for a count < 1.
 */
export function planAbbaOrder(pairs: number, afterHead = false): PairSlot[] {
  if (!Number.isInteger(pairs) || pairs < 1)
    throw new RangeError(`pairs must be a positive integer, got ${String(pairs)}`);
  const first: PairSide = afterHead ? "head" : "base";
  const second: PairSide = afterHead ? "base" : "head";
  const slots: PairSlot[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const [x, y] = pair % 2 === 0 ? [first, second] : [second, first];
    slots.push({ pair, side: x }, { pair, side: y });
  }
  return slots;
}

/** How many times the cluster switches between the two commits along `slots`, starting from `running`. */
export function countSwitches(slots: readonly PairSlot[], running: PairSide | null): number {
  let switches = 0;
  let current = running;
  for (const s of slots) {
    if (s.side !== current) switches++;
    current = s.side;
  }
  return switches;
}
