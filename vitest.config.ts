import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The longest files, started first wherever they are in a group: vitest orders by the durations it
 * cached from the last run, and a fresh clone (CI) has none, so it would start the largest files
 * first and leave these two (a few minutes each, short to read) for last, one beside the other.
 */
const LONGEST_FILES = [
  "worker/test/pipeline-confirmation.test.ts",
  "worker/test/pipeline-confirmation-spike.test.ts",
];

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = LONGEST_FILES.findIndex((name) => f.moduleId.endsWith(`/${name}`));
      return i === -1 ? LONGEST_FILES.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ["*/src/**/*.test.ts", "*/src/**/*.test.tsx", "*/test/**/*.test.ts"],
    // Real sockets, Redis and child processes: give them room on a 2-core machine. `npm test`
    // (scripts/run-tests.sh) runs the end-to-end files (worker/test) before the unit tests, not
    // beside them: the pipeline-confirmation files decide verdicts on the wall clock, in A/B pairs.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
  },
});
