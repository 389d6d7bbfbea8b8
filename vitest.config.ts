import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["*/src/**/*.test.ts", "*/src/**/*.test.tsx", "*/test/**/*.test.ts"],
    // Real sockets, Redis and child processes: give them room on a 2-core machine. `npm test`
    // (scripts/run-tests.sh) runs the one file that decides a verdict on the wall clock,
    // worker/test/pipeline-confirmation.test.ts, in a vitest of its own beside the rest.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
