// `/benchmark --compare REF` end to end on the reference cluster: the baseline is the archived run
// of the named ref, not the merge-base's (the repository and its history: confirmation-repo.ts).
// No confirmation here: the tests are about which run is the baseline, not about the decision.
import { describe, expect, it } from "vitest";
import { loadRun } from "@mlxbench/archive";
import { RUN_TIMEOUT, summaryOf, textOf, useConfirmationRepo } from "./confirmation-repo.js";

const repo = useConfirmationRepo("compare");

describe("/benchmark --compare on the reference cluster", () => {
  it(
    "compares with the archived run of the named tag, not the merge-base's",
    async () => {
      const r = repo();
      const { check, jobId } = await r.pullRequest(3, r.noConfirmConfig(), { compareRef: "v1.0" });
      const verdict = (await loadRun(r.deps.store, r.repo, jobId))?.verdict;
      expect(verdict?.baseline?.commit, summaryOf(check)).toBe(r.historyShas[0]);
      expect(verdict?.baseline?.commit).not.toBe(r.mainSha);
      expect(textOf(check)).toContain("resolving --compare v1.0");
      expect(textOf(check)).toContain("cluster (distributed) starting");
    },
    RUN_TIMEOUT,
  );

  it(
    "names a ref the repository lacks, before any cluster starts",
    async () => {
      const r = repo();
      const { check } = await r.pullRequest(4, r.noConfirmConfig(), { compareRef: "v9.9" });
      expect(check.conclusion).toBe("failure");
      expect(summaryOf(check)).toContain(
        `--compare v9.9: no branch, tag or commit of ${r.repo} has that name`,
      );
      expect(textOf(check)).toContain("resolving --compare v9.9");
      expect(textOf(check)).not.toContain("cluster (distributed) starting");
    },
    RUN_TIMEOUT,
  );
});
