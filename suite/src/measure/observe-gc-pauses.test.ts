import { describe, expect, it } from "vitest";
import { epochNow } from "./epoch-now.js";
import { observeGcPauses } from "./observe-gc-pauses.js";

describe("observeGcPauses", () => {
  it("records this thread's scavenges between start and stop, on the epoch clock", async () => {
    const from = epochNow();
    const observer = observeGcPauses();
    const ring: unknown[] = new Array<unknown>(64);
    for (let i = 0; i < 2_000_000; i++) ring[i & 63] = { i }; // ~50 MB of garbage
    const pauses = await observer.stop();
    const to = epochNow();
    expect(pauses.some((p) => p.kind === "minor")).toBe(true);
    for (const p of pauses) {
      expect(p.atMs).toBeGreaterThanOrEqual(from);
      expect(p.atMs + p.durationMs).toBeLessThanOrEqual(to);
    }
  });

  it("records nothing after stop", async () => {
    const observer = observeGcPauses();
    const pauses = await observer.stop();
    const seen = pauses.length;
    const ring: unknown[] = new Array<unknown>(64);
    for (let i = 0; i < 2_000_000; i++) ring[i & 63] = { i };
    await new Promise((resolve) => setImmediate(resolve));
    expect(pauses).toHaveLength(seen);
  });
});
