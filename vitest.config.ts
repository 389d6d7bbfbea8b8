import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["*/src/**/*.test.ts", "*/src/**/*.test.tsx", "*/test/**/*.test.ts"],
    // Real sockets, Redis and child processes: give them room on a 2-core machine. `npm test` runs
    // the end-to-end file (worker/test) after the rest, alone: it measures, and a second test
    // file beside it on 2 cores was enough to make a same-code run differ from its baseline.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
