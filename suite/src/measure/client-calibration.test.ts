import { describe, expect, it } from "vitest";
import { assessCalibration, CLIENT_LIMITS, startEventLoopMonitor } from "./client-calibration.js";
import { summarize } from "./summarize.js";

describe("startEventLoopMonitor", () => {
  it("sees a stall of the event loop", async () => {
    const monitor = startEventLoopMonitor(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // stall the loop
    }
    const lag = monitor.stop();
    expect(lag?.max).toBeGreaterThanOrEqual(50);
    expect(lag?.count).toBeGreaterThanOrEqual(1);
  });
});

describe("assessCalibration", () => {
  const quiet = summarize([0.1, 0.2, 0.3]);
  it("is not client-limited when the client kept up", () => {
    const c = assessCalibration(quiet, quiet, summarize([20, 20]));
    expect(c).toEqual({ dispatchLagMs: quiet, eventLoopLagMs: quiet, clientLimited: false });
  });
  it.each([
    [
      "event-loop lag",
      null,
      summarize([CLIENT_LIMITS.eventLoopLagP99Ms + 5]),
      null,
      /event-loop lag p99/,
    ],
    [
      "dispatch lag",
      summarize([CLIENT_LIMITS.dispatchLagP99Ms + 1]),
      quiet,
      null,
      /dispatch lag p99/,
    ],
    ["lag comparable to the ITL", quiet, summarize([2]), summarize([4]), /of the median ITL/],
  ])("warns on %s", (_name, dispatch, loop, itl, reason) => {
    const c = assessCalibration(dispatch, loop, itl);
    expect(c.clientLimited).toBe(true);
    expect(c.warning).toMatch(reason);
    expect(c.warning).toMatch(/^client-limited measurement: /);
  });
});
