import { describe, expect, it } from "vitest";
import { GateConfig, type RunResult } from "@mlxbench/proto";
import { sampleRunResult } from "@mlxbench/archive/testing";
import type { CheckConclusion } from "../github/index.js";
import { decideGate } from "./decide-gate.js";
import { mergeRunResults } from "./merge-run-results.js";

const gate = (extra: Record<string, unknown> = {}) => GateConfig.parse(extra);
const withReadiness = (verdict: RunResult["readiness"]["verdict"]): RunResult => ({
  ...sampleRunResult(),
  readiness: { verdict, blocking: [], warnings: [], greenLights: [] },
});

describe("decideGate", () => {
  it.each<
    [CheckConclusion, RunResult | null, Record<string, unknown>, "approved" | "rejected", string]
  >([
    ["success", withReadiness("READY"), {}, "approved", "benchmark success"],
    ["failure", withReadiness("READY"), {}, "rejected", "verdict is failure"],
    ["neutral", withReadiness("READY"), {}, "rejected", "needs success"],
    [
      "neutral",
      withReadiness("READY"),
      { require_verdict: "neutral" },
      "approved",
      "benchmark neutral",
    ],
    ["success", withReadiness("NOT_READY"), {}, "rejected", "readiness is NOT_READY"],
    [
      "success",
      withReadiness("READY_WITH_CAUTION"),
      { require_readiness: "READY" },
      "rejected",
      "READY_WITH_CAUTION",
    ],
    ["cancelled", null, {}, "rejected", "verdict is cancelled"],
    ["success", null, {}, "rejected", "no benchmark result"],
    ["failure", null, { environments: ["production"] }, "approved", "does not gate staging"],
  ])("%s with %j and %j → %s", (conclusion, run, config, state, comment) => {
    const d = decideGate(conclusion, run, gate(config), "staging");
    expect(d.state).toBe(state);
    expect(d.comment).toContain(comment);
  });

  it("rejects a failed validation when the gate requires it", () => {
    const run = {
      ...withReadiness("READY"),
      validation: { status: "FAIL" as const, criticalFailures: ["grpc_communication"], fixes: [] },
    };
    expect(decideGate("success", run, gate(), "prod")).toEqual({
      state: "rejected",
      comment: "validation failed: grpc_communication",
    });
  });
});

describe("mergeRunResults", () => {
  it("pools the samples per metric and keeps the first run's identity", () => {
    const a = sampleRunResult({ runId: "a" });
    const b = sampleRunResult({ runId: "b", scale: 2 });
    const merged = mergeRunResults(a, b);
    expect(merged.runId).toBe("a");
    expect(merged.fingerprint).toEqual(a.fingerprint);
    const e2e = merged.metrics.find((m) => m.key === "inference.e2e_ms");
    expect(e2e?.samples).toHaveLength(16);
    expect(e2e?.stats?.count).toBe(16);
    expect(e2e?.stats?.max).toBe(206);
  });
});
