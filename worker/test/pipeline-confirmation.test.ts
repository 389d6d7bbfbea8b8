// Tier 2 end to end on the reference cluster: a close call under run-to-run noise is confirmed by
// A/B/B/A pairs of the merge-base and the head, each side's cluster started from its own checkout
// (the repository and its history: confirmation-repo.ts). What is decided on this machine's wall
// clock is only what a 1.3× slowdown against a restart of the same code makes plain: the pairs run
// back to back. The same-code spike (pipeline-confirmation-spike.test.ts) and `/benchmark
// --compare` (pipeline-compare.test.ts) have files and repositories of their own, so the three run
// side by side.
import { describe, expect, it } from "vitest";
import { loadRun } from "@mlxbench/archive";
import { PAIRS, RUN_TIMEOUT, summaryOf, textOf, useConfirmationRepo } from "./confirmation-repo.js";

const repo = useConfirmationRepo("confirm-slower");

describe("the paired A/B confirmation on the reference cluster", () => {
  it(
    "confirms a close call with A/B/B/A pairs and fails it, showing both tiers",
    async () => {
      const r = repo();
      const { check, jobId } = await r.pullRequest(1, r.config({ slowdown: 1.3 }));
      const archived = await loadRun(r.deps.store, r.repo, jobId);
      const verdict = archived?.verdict;
      expect(verdict?.tiers?.screen.kind, summaryOf(check)).toBe("inconclusive");
      expect(verdict?.tiers?.confirmation?.pairs).toBe(PAIRS);
      expect(check.conclusion, summaryOf(check)).toBe("failure");
      const regressed = verdict?.metrics.filter((m) => m.gated && m.outcome === "regressed") ?? [];
      expect(regressed.length).toBeGreaterThan(0);
      for (const m of regressed) expect(m.confirmation?.screenOutcome).toBe("inconclusive");
      expect(summaryOf(check)).toContain(
        "**Screen** (this run against the default branch's history)",
      );
      expect(summaryOf(check)).toContain(`**Confirmation** (${PAIRS} A/B pairs of the merge-base`);
      expect(summaryOf(check)).toMatch(
        new RegExp(
          `regressed: inference\\.\\w+ \\+\\d+\\.\\d % \\[\\+\\d+\\.\\d, \\+\\d+\\.\\d\\] \\(${PAIRS} A/B pairs\\)`,
        ),
      );
      // A/B/B/A… from the merge-base, every run shown as it went.
      const pairSteps = textOf(check)
        .split("\n")
        .filter((l) => l.includes("confirming: pair"))
        .map((l) => (l.includes("merge-base") ? "A" : "B"))
        .join("");
      expect(pairSteps).toBe(
        Array.from({ length: PAIRS }, (_, j) => (j % 2 === 0 ? "AB" : "BA")).join(""),
      );
      // Every pair's result is archived with the run, and the merge-base's cluster log apart.
      const files = archived?.meta.files ?? [];
      for (let p = 1; p <= PAIRS; p++)
        for (const side of ["base", "head"])
          expect(files.some((f) => f.startsWith(`files/confirmation/pair-0${p}-${side}/`))).toBe(
            true,
          );
      expect(files).toContain("files/confirmation/logs-merge-base/cluster-distributed.log");
    },
    RUN_TIMEOUT,
  );
});
