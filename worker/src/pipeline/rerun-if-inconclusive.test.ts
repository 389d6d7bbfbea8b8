import type { RunResult } from "@mlxbench/proto";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Verdict } from "@mlxbench/verdict";
import { rerunIfInconclusive } from "./rerun-if-inconclusive.js";
import { sampleRunResult } from "@mlxbench/archive/testing";

const log = pino({ level: "silent" });

function verdictOf(kind: Verdict["kind"], conclusion: Verdict["conclusion"]): Verdict {
  return { kind, conclusion, reason: `${kind} verdict`, baseline: null, metrics: [] };
}

describe("rerunIfInconclusive", () => {
  const first = sampleRunResult({ runId: "first" });

  it("does not run again when the first verdict decided", async () => {
    let reruns = 0;
    const out = await rerunIfInconclusive(
      { runResult: first, verdict: verdictOf("ok", "success") },
      () => {
        reruns++;
        return Promise.resolve(first);
      },
      () => Promise.reject(new Error("must not judge again")),
      { log },
    );
    expect(reruns).toBe(0);
    expect(out.verdict.kind).toBe("ok");
    expect(out.notes).toEqual([]);
  });

  it("pools the second run's samples and judges the pooled result", async () => {
    const second = sampleRunResult({ runId: "second", scale: 2 });
    let judgedWith: RunResult | undefined;
    const out = await rerunIfInconclusive(
      { runResult: first, verdict: verdictOf("inconclusive", "neutral") },
      () => Promise.resolve(second),
      (pooled) => {
        judgedWith = pooled;
        return Promise.resolve(verdictOf("regressed", "failure"));
      },
      { log },
    );
    const e2e = (r: RunResult | undefined) => r?.metrics.find((m) => m.key === "inference.e2e_ms");
    expect(e2e(judgedWith)?.samples).toHaveLength(
      (e2e(first)?.samples.length ?? 0) + (e2e(second)?.samples.length ?? 0),
    );
    expect(out.runResult).toBe(judgedWith);
    expect(out.verdict.kind).toBe("regressed");
    expect(out.notes.join(" ")).toMatch(/pooled/);
  });

  it("keeps the first run and its verdict when the re-run fails", async () => {
    const out = await rerunIfInconclusive(
      { runResult: first, verdict: verdictOf("inconclusive", "neutral") },
      () => Promise.reject(new Error("suite process exited with code 1")),
      () => Promise.reject(new Error("must not judge again")),
      { log },
    );
    expect(out.runResult).toBe(first);
    expect(out.verdict.kind).toBe("inconclusive");
    expect(out.notes.join(" ")).toMatch(/re-run failed \(suite process exited with code 1\)/);
  });

  it("lets a cancellation through instead of keeping the first run", async () => {
    const abort = new AbortController();
    abort.abort(new Error("superseded by a newer push"));
    await expect(
      rerunIfInconclusive(
        { runResult: first, verdict: verdictOf("inconclusive", "neutral") },
        () => Promise.reject(new Error("suite process killed")),
        () => Promise.reject(new Error("must not judge again")),
        { log, signal: abort.signal },
      ),
    ).rejects.toThrow("suite process killed");
  });
});
