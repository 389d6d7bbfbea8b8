import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { emptyNursery } from "./empty-nursery.js";
import { minSemiSpaceFromArgv, startReaderWorker } from "./start-reader-worker.js";

// A worker that reports its young generation's size.
const reporter = new URL(
  `data:text/javascript,${encodeURIComponent(`
    import v8 from "node:v8";
    import { parentPort } from "node:worker_threads";
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
    parentPort.postMessage(newSpace.space_size);
  `)}`,
);
const MB = 2 ** 20;

function newSpaceOf(worker: Worker): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    worker.once("message", (size: number) => {
      void worker.terminate().then(() => resolve(size));
    });
    worker.once("error", reject);
  });
}

function newSpaceUsed(): number {
  return (
    v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.space_used_size ?? 0
  );
}

describe("startReaderWorker", () => {
  it("gives the reader's isolate the semi-space it asks for, and the next isolate V8's default", async () => {
    const reader = await newSpaceOf(startReaderWorker(reporter, 8));
    // V8 reports a semi-space's capacity as the new space's size; by default it starts at 1 MB
    expect(reader).toBeGreaterThanOrEqual(8 * MB);
    const plain = await newSpaceOf(new Worker(reporter));
    expect(plain).toBeLessThan(8 * MB);
  });

  it("gives readers started together each the semi-space, then puts the default back", async () => {
    const sizes = await Promise.all([
      newSpaceOf(startReaderWorker(reporter, 8)),
      newSpaceOf(startReaderWorker(reporter, 8)),
    ]);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(8 * MB);
    expect(await newSpaceOf(new Worker(reporter))).toBeLessThan(8 * MB);
  });

  it.each([
    [[], 0],
    [["--min-semi-space-size=4"], 4],
    [["--inspect", "--min_semi_space_size=16"], 16],
    [["--max-semi-space-size=64"], 0],
  ])("reads the start's own --min-semi-space-size from %j", (argv, expected) => {
    expect(minSemiSpaceFromArgv(argv)).toBe(expected);
  });
});

describe("emptyNursery", () => {
  it("leaves the young generation nearly empty", () => {
    const keep: unknown[] = [];
    for (let i = 0; i < 20_000; i++) keep.push({ i, text: `garbage ${i}` });
    keep.length = 0;
    const before = newSpaceUsed();
    expect(emptyNursery()).toBe(true);
    expect(newSpaceUsed()).toBeLessThan(before);
  });
});
