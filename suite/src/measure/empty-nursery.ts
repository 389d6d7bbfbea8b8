import v8 from "node:v8";

/**
 * Allocates short-lived garbage until V8 scavenges, so that this thread's young generation is
 * (nearly) empty when it returns: the next scavenge is a whole semi-space of allocation away.
 * Without --expose-gc this is the one way to choose when a scavenge happens. Gives up after
 * `maxBytes` of garbage (roughly) and returns whether a scavenge was seen.
 */
export function emptyNursery(maxBytes = 512 * 2 ** 20): boolean {
  const used = (): number =>
    v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_used_size ?? 0;
  // Each array escapes into the ring, so the compiler cannot drop the allocation.
  const ring: unknown[] = new Array<unknown>(256);
  const arraysPerRound = 8192; // about 1 MB of 16-slot arrays
  let last = used();
  for (let allocated = 0; allocated < maxBytes; allocated += arraysPerRound * 144) {
    for (let i = 0; i < arraysPerRound; i++) ring[i & 255] = new Array<unknown>(16);
    const now = used();
    if (now < last) return true;
    last = now;
  }
  return false;
}
