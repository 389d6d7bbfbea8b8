import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["*/src/**/*.test.ts", "*/src/**/*.test.tsx", "*/test/**/*.test.ts"],
    // Real sockets, Redis and child processes: give them room on a 2-core machine. `npm test`
    // (scripts/run-tests.sh) runs the end-to-end files (worker/test) before the unit tests, not
    // beside them: pipeline-confirmation.test.ts decides a verdict on the wall clock, in A/B pairs.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
