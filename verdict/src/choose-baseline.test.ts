import { describe, expect, it } from "vitest";
import type { ArchivedRunRef } from "./archived-run-ref.js";
import { chooseBaseline } from "./choose-baseline.js";
import { IDENTITY_FIELDS } from "./fingerprint-identity.js";
import { FINGERPRINT, makeRun } from "./make-run.test-helper.js";

const current = makeRun(100, [], {
  source: { commit: "f".repeat(40), branch: "feature", pullRequest: 3 },
});

function ref(index: number, extra: Partial<ArchivedRunRef> = {}): ArchivedRunRef {
  return {
    runId: `run-${index}`,
    commit: `c${index}`,
    branch: "main",
    finishedAt: new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString(),
    fingerprint: FINGERPRINT,
    ...extra,
  };
}

describe("chooseBaseline", () => {
  it("takes the default-branch run at the merge-base", () => {
    const choice = chooseBaseline({
      current,
      candidates: [ref(1), ref(2), ref(3)],
      mergeBase: "c2",
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({ found: true, rule: "merge_base", baseline: { runId: "run-2" } });
  });

  it("takes the newest run when the merge-base was measured twice", () => {
    const again = ref(5, { commit: "c2", runId: "run-2-again" });
    const choice = chooseBaseline({
      current,
      candidates: [ref(2), again],
      mergeBase: "c2",
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({ found: true, baseline: { runId: "run-2-again" } });
  });

  it("falls back to the latest earlier default-branch run without a run at the merge-base", () => {
    const choice = chooseBaseline({
      current,
      candidates: [ref(1), ref(3), ref(2)],
      mergeBase: "c9",
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({
      found: true,
      rule: "latest_earlier",
      baseline: { runId: "run-3" },
    });
    if (choice.found) expect(choice.reason).toMatch(/no run at merge-base c9/);
    const noMergeBase = chooseBaseline({
      current,
      candidates: [ref(1), ref(3)],
      defaultBranch: "main",
    });
    expect(noMergeBase).toMatchObject({
      found: true,
      rule: "latest_earlier",
      baseline: { runId: "run-3" },
    });
  });

  it("never takes a run that finished after this run started, or this run itself", () => {
    const later = ref(200);
    const itself = ref(100, { runId: current.runId });
    const choice = chooseBaseline({
      current,
      candidates: [ref(1), later, itself],
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({ found: true, baseline: { runId: "run-1" } });
  });

  it("never takes this run itself when the archive names it by another id than the suite", () => {
    const itself = ref(0, { runId: "push-self" });
    const choice = chooseBaseline({
      current,
      currentRunId: "push-self",
      candidates: [ref(1), itself],
      defaultBranch: "main",
    });
    expect(current.runId).not.toBe("push-self");
    expect(choice).toMatchObject({ found: true, baseline: { runId: "run-1" } });
  });

  it("ignores runs on other branches", () => {
    const choice = chooseBaseline({
      current,
      candidates: [ref(1), ref(4, { branch: "feature" })],
      mergeBase: "c4",
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({ found: true, baseline: { runId: "run-1" } });
  });

  it.each(IDENTITY_FIELDS)("never takes a run whose %s differs", (field) => {
    const changed = {
      ...FINGERPRINT,
      ...(field === "deviceCount"
        ? { deviceCount: 2 }
        : field === "devices"
          ? { devices: ["mini1", "other"] }
          : field === "clusterMode"
            ? { clusterMode: "single-device" as const }
            : { [field]: "something else" }),
    };
    const choice = chooseBaseline({
      current,
      candidates: [ref(1), ref(2, { fingerprint: changed })],
      mergeBase: "c2",
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({ found: true, baseline: { runId: "run-1" } });
  });

  it("treats device order and versions as the same identity", () => {
    const same = {
      ...FINGERPRINT,
      devices: ["master", "mini2", "mini1"],
      versions: { mlx: "0.27.0" },
    };
    const choice = chooseBaseline({
      current,
      candidates: [ref(2, { fingerprint: same })],
      mergeBase: "c2",
      defaultBranch: "main",
    });
    expect(choice).toMatchObject({ found: true, rule: "merge_base" });
  });

  it.each([
    ["none_archived", [], /no archived runs/],
    ["none_on_default_branch", [ref(1, { branch: "dev" })], /none of 1 archived runs is on main/],
    [
      "other_fingerprint",
      [ref(1, { fingerprint: { ...FINGERPRINT, hardware: "M3 Max" } })],
      /other hardware/,
    ],
    ["none_earlier", [ref(300)], /none finished before this run started/],
  ] as const)("says why there is no comparable baseline: %s", (why, candidates, detail) => {
    const choice = chooseBaseline({ current, candidates, defaultBranch: "main" });
    expect(choice).toMatchObject({ found: false, reason: "no comparable baseline", why });
    if (!choice.found) expect(choice.detail).toMatch(detail);
  });

  describe("pinned by /benchmark --compare", () => {
    const tag = { commit: "c2", label: "v1.4.0" };

    it("takes the run of the pinned commit, on any branch, over the merge-base's", () => {
      const release = ref(2, { runId: "run-2-gate", branch: "release" });
      const choice = chooseBaseline({
        current,
        candidates: [ref(1), ref(3), release],
        mergeBase: "c3",
        pinned: tag,
        defaultBranch: "main",
      });
      expect(choice).toMatchObject({
        found: true,
        rule: "pinned_ref",
        baseline: { runId: "run-2-gate" },
      });
      if (choice.found) expect(choice.reason).toContain("`v1.4.0` (c2)");
    });

    it("never falls back to another run when the pinned commit has none", () => {
      const choice = chooseBaseline({
        current,
        candidates: [ref(1), ref(3)],
        mergeBase: "c3",
        pinned: tag,
        defaultBranch: "main",
      });
      expect(choice).toMatchObject({ found: false, why: "none_at_ref" });
      if (!choice.found) expect(choice.detail).toMatch(/no archived run of `v1.4.0` \(c2\)/);
    });

    it("names the fingerprint when the pinned commit was measured differently", () => {
      const other = ref(2, { fingerprint: { ...FINGERPRINT, deviceCount: 7 } });
      const choice = chooseBaseline({
        current,
        candidates: [other],
        pinned: tag,
        defaultBranch: "main",
      });
      expect(choice).toMatchObject({ found: false, why: "none_at_ref" });
      if (!choice.found) expect(choice.detail).toMatch(/measured differently/);
    });
  });
});
