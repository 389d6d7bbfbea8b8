import { describe, expect, it } from "vitest";
import { countSwitches, planAbbaOrder, type PairSlot } from "./plan-abba-order.js";

const letters = (slots: readonly PairSlot[]): string =>
  slots.map((s) => (s.side === "base" ? "A" : "B")).join("");

describe("planAbbaOrder", () => {
  it.each([
    [1, false, "AB"],
    [2, false, "ABBA"],
    [4, false, "ABBAABBA"],
    [3, true, "BAABBA"],
  ])("%i pairs (head running: %s) run as %s", (pairs, afterHead, order) => {
    const slots = planAbbaOrder(pairs, afterHead);
    expect(letters(slots)).toBe(order);
    // Every pair has one run of each side, back to back.
    for (let p = 0; p < pairs; p++) {
      const mine = slots.map((s, i) => ({ ...s, i })).filter((s) => s.pair === p);
      expect(mine.map((s) => s.side).sort()).toEqual(["base", "head"]);
      expect((mine[1]?.i ?? 0) - (mine[0]?.i ?? 0)).toBe(1);
    }
  });

  it("cancels a linear drift: over each four runs both sides have the same mean position", () => {
    const slots = planAbbaOrder(4);
    const mean = (side: string) => {
      const at = slots.flatMap((s, i) => (s.side === side ? [i] : []));
      return at.reduce((a, b) => a + b, 0) / at.length;
    };
    expect(mean("base")).toBe(mean("head"));
  });

  it("switches the cluster once per change of side, one less when the head already runs", () => {
    expect(countSwitches(planAbbaOrder(4), "head")).toBe(5);
    expect(countSwitches(planAbbaOrder(4, true), "head")).toBe(4);
  });

  it.each([0, -1, 2.5, Number.NaN])("rejects %s pairs", (n) => {
    expect(() => planAbbaOrder(n)).toThrow(/pairs must be a positive integer/);
  });
});
