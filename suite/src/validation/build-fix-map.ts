import type { FixStatus, ValidationSummary } from "@mlxbench/proto";
import type { ValidationCheck } from "../results/index.js";

/** The checks behind each of the contract's fixes (see FIXES). */
export interface FixChecks {
  serialization: ValidationCheck;
  discovery: ValidationCheck;
  reachability: ValidationCheck;
  basicInference: ValidationCheck;
  concurrentInference: ValidationCheck;
  floors: ValidationCheck;
}

/**
 * A fix fails when one of its checks failed, passes when one passed, is not applicable when all
 * its checks are (the target has no such part), else was skipped.
 */
function fixStatus(name: string, critical: boolean, parts: ValidationCheck[]): FixStatus {
  const failed = parts.filter((c) => c.status === "FAIL");
  const passed = parts.filter((c) => c.status === "PASS");
  const status = failed.length
    ? "FAIL"
    : passed.length
      ? "PASS"
      : parts.every((c) => c.status === "NOT_APPLICABLE")
        ? "NOT_APPLICABLE"
        : "SKIPPED";
  const source = failed.length ? failed : parts;
  return {
    name,
    critical,
    status,
    message: source.map((c) => `${c.name}: ${c.message}`).join(" | "),
  };
}

/** The contract's fix map and PASS/FAIL: FAIL when any critical fix failed. */
export function buildFixMap(c: FixChecks): ValidationSummary {
  const fixes: FixStatus[] = [
    fixStatus("grpc_tensor_serialization", true, [c.serialization]),
    fixStatus("device_discovery", true, [c.discovery]),
    fixStatus("grpc_communication", true, [c.reachability]),
    fixStatus("distributed_inference", true, [c.basicInference, c.concurrentInference]),
    fixStatus("performance_optimization", false, [c.floors]),
  ];
  const criticalFailures = fixes
    .filter((f) => f.critical && f.status === "FAIL")
    .map((f) => f.name);
  return { status: criticalFailures.length ? "FAIL" : "PASS", criticalFailures, fixes };
}
