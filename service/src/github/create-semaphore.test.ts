import { describe, expect, it } from "vitest";
import { createSemaphore } from "./create-semaphore.js";
import { createSlidingWindow } from "./create-sliding-window.js";

describe("createSemaphore", () => {
  it("hands slots out in order and passes a released slot to the next waiter", async () => {
    const s = createSemaphore(1);
    const order: string[] = [];
    const first = await s.acquire();
    const second = s.acquire().then((release) => {
      order.push("second");
      return release;
    });
    const third = s.acquire().then((release) => {
      order.push("third");
      return release;
    });
    expect(s.waiting).toBe(2);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(["second", "third"]);
    expect(s.active).toBe(0);
  });

  it("gives up a wait on abort, and a double release frees one slot only", async () => {
    const s = createSemaphore(1);
    const held = await s.acquire();
    const controller = new AbortController();
    const waiting = s.acquire(controller.signal);
    controller.abort(new Error("budget spent"));
    await expect(waiting).rejects.toThrow("budget spent");
    expect(s.waiting).toBe(0);
    held();
    held();
    expect(s.active).toBe(0);
  });

  it.each([0, -1, 1.5])("rejects a limit of %s", (limit) => {
    expect(() => createSemaphore(limit)).toThrow(/positive integer/);
  });
});

describe("createSlidingWindow", () => {
  it("admits `limit` events per window, measured from the oldest", () => {
    const w = createSlidingWindow(3, 1000);
    expect([0, 100, 200, 300].map((t) => w.tryTake(t))).toEqual([true, true, true, false]);
    expect(w.tryTake(999)).toBe(false);
    expect(w.tryTake(1000)).toBe(true);
    expect(w.tryTake(1050)).toBe(false);
    expect(w.tryTake(1100)).toBe(true);
  });

  it("rejects a limit of 0", () => {
    expect(() => createSlidingWindow(0, 1000)).toThrow(/positive integer/);
  });
});
