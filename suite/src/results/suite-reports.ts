import type { ComponentOutcome } from "@mlxbench/proto";
import type { CommunicationResult } from "./communication-result.js";
import type { CompareResult } from "./compare-result.js";
import type { ComprehensiveResult } from "./comprehensive-result.js";
import type { ValidationResult } from "./validation-result.js";

export type ComponentName = ComponentOutcome["name"];
export const ALL_COMPONENTS: readonly ComponentName[] = [
  "validation",
  "comprehensive",
  "communication",
  "performance",
];

/** Each component's result, null when it did not run or failed. */
export interface SuiteReports {
  validation: ValidationResult | null;
  comprehensive: ComprehensiveResult | null;
  performance: CompareResult | null;
  communication: CommunicationResult | null;
}
