import type { MetricResult, ValidationSummary } from "@mlxbench/proto";
import type { LoadSummary } from "../load-summary.js";
import type { ReadinessWait } from "../wait-for-ready.js";

/** NOT_APPLICABLE: the target has no such part (the gRPC checks on an OpenAI-compatible server). */
export type CheckStatus = "PASS" | "FAIL" | "SKIPPED" | "NOT_APPLICABLE";

export interface ValidationCheck {
  name: string;
  status: CheckStatus;
  message: string;
  durationMs: number;
  details?: Record<string, unknown>;
}

export interface DeviceProbe {
  deviceId: string;
  address: string | null;
  reportedStatus: string;
  reachable: boolean;
  healthy: boolean;
  /** Per service: "ok", "not available", "unhealthy (…)" or the error. */
  services: Record<string, string>;
  /** "exact", "mismatch", "not available" or the error. */
  tensorRoundTrip: string;
}

export interface ValidationResult {
  component: "validation";
  apiUrl: string;
  startedAt: string;
  finishedAt: string;
  readiness: ReadinessWait;
  devices: DeviceProbe[];
  checks: ValidationCheck[];
  summary: ValidationSummary;
  basicInference: LoadSummary | null;
  concurrentInference: LoadSummary | null;
  metrics: MetricResult[];
  warnings: string[];
  /** Model and device ids the cluster reported, for the fingerprint. */
  model: string | null;
}

/** The contract's five fixes; the first four are critical. */
export const FIXES = [
  { name: "grpc_tensor_serialization", critical: true },
  { name: "device_discovery", critical: true },
  { name: "grpc_communication", critical: true },
  { name: "distributed_inference", critical: true },
  { name: "performance_optimization", critical: false },
] as const;
