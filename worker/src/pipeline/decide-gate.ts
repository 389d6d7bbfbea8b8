import type { GateConfig, RunResult } from "@mlxbench/proto";
import type { GateState } from "../github/index.js";
import type { CheckConclusion } from "../github/index.js";

/** The deployment protection rule's answer for a run, with a short reason. */
export function decideGate(
  conclusion: CheckConclusion,
  runResult: RunResult | null,
  gate: GateConfig,
  environment: string,
): { state: GateState; comment: string } {
  if (gate.environments.length > 0 && !gate.environments.includes(environment)) {
    return { state: "approved", comment: `mlxbench does not gate ${environment}` };
  }
  const verdictOk =
    conclusion === "success" || (conclusion === "neutral" && gate.require_verdict === "neutral");
  if (!verdictOk)
    return {
      state: "rejected",
      comment: `benchmark verdict is ${conclusion} (needs ${gate.require_verdict === "neutral" ? "success or neutral" : "success"})`,
    };
  if (!runResult) return { state: "rejected", comment: "no benchmark result" };
  const readiness = runResult.readiness.verdict;
  if (
    readiness === "NOT_READY" ||
    (readiness === "READY_WITH_CAUTION" && gate.require_readiness === "READY")
  ) {
    return {
      state: "rejected",
      comment: `deployment readiness is ${readiness} (needs ${gate.require_readiness})`,
    };
  }
  if (gate.require_validation_pass && runResult.validation?.status === "FAIL") {
    return {
      state: "rejected",
      comment: `validation failed: ${runResult.validation.criticalFailures.join(", ") || "see report"}`,
    };
  }
  return { state: "approved", comment: `benchmark ${conclusion}, readiness ${readiness}` };
}
