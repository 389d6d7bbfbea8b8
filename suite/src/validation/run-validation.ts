import type { MetricResult, SuiteTarget } from "@mlxbench/proto";
import type { SuiteDeps } from "../deps.js";
import type { LoadResult } from "../measure/index.js";
import { summarizeLoad } from "../load-summary.js";
import { makeMetric } from "../metric.js";
import type { DeviceProbe, ValidationCheck, ValidationResult } from "../results/index.js";
import type { SuiteOptions, Target } from "../suite-options.js";
import { waitForReady } from "../wait-for-ready.js";
import { buildFixMap } from "./build-fix-map.js";
import { checkGrpcReachability, grpcTargetsOf } from "./check-grpc-reachability.js";
import {
  checkBasicInference,
  checkConcurrentInference,
  type InferenceLoads,
} from "./check-inference.js";
import { checkPerformanceFloors } from "./check-performance-floors.js";
import { checkTensorRoundTrip } from "./check-tensor-round-trip.js";
import { discoverDevices, type DiscoveredDevices } from "./discover-devices.js";
import { createCheckRecorder } from "./record-check.js";

export type ValidationOptions = Pick<
  SuiteOptions,
  | "readinessTimeoutMs"
  | "expectedDevices"
  | "validationIterations"
  | "concurrentRequests"
  | "model"
  | "prompts"
  | "floors"
  | "requestTimeoutMs"
> & {
  target: Target;
  /** openai: the gRPC checks (devices, reachability, tensor round trip) are not applicable. */
  suiteTarget?: SuiteTarget;
};

const NOT_APPLICABLE = {
  status: "NOT_APPLICABLE",
  message: "target openai: an OpenAI-compatible server has no gRPC or /distributed side",
} as const;

/**
 * Validates that the cluster works: readiness, device discovery, gRPC reachability of every
 * device, a tensor round trip through the cluster, basic and really-concurrent inference, and
 * the performance floors; then the contract's fix map and PASS/FAIL.
 */
export async function runValidation(
  opts: ValidationOptions,
  deps: SuiteDeps,
): Promise<ValidationResult> {
  const { clock, progress } = deps;
  const startedAt = clock.now().toISOString();
  const checks: ValidationCheck[] = [];
  const warnings: string[] = [];
  const metrics: MetricResult[] = [];
  const apiUrl = opts.target.apiUrl;
  const timed = createCheckRecorder(checks, deps);
  progress.phase("validation", 7);

  // 1. readiness
  const readiness = await waitForReady(apiUrl, {
    timeoutMs: opts.readinessTimeoutMs,
    clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  checks.push({
    name: "cluster_readiness",
    status: readiness.ready ? "PASS" : "FAIL",
    message: readiness.ready
      ? `ready after ${Math.round(readiness.waitedMs)} ms (${readiness.lastStatus})`
      : `not ready after ${Math.round(readiness.waitedMs)} ms: ${readiness.lastStatus}`,
    durationMs: readiness.waitedMs,
  });
  progress.advance(1, "readiness");

  // 2. device discovery
  const found: DiscoveredDevices = { addresses: [], model: readiness.modelName ?? null };
  const grpcSide = opts.suiteTarget !== "openai";
  const discovery = await timed("device_discovery", () =>
    grpcSide ? discoverDevices(apiUrl, opts.expectedDevices, found) : NOT_APPLICABLE,
  );

  // 3. gRPC reachability of every device, and 4. a tensor round trip through each
  const probes: DeviceProbe[] = [];
  const roundTripMs: number[] = [];
  const targets = grpcTargetsOf(found.addresses, opts.target.grpcTarget);
  const reach = await timed("grpc_reachability", () =>
    grpcSide
      ? checkGrpcReachability(targets, opts.validationIterations, clock, probes, roundTripMs)
      : NOT_APPLICABLE,
  );
  const serialization = await timed("tensor_round_trip", () =>
    grpcSide ? checkTensorRoundTrip(probes) : NOT_APPLICABLE,
  );
  if (roundTripMs.length) {
    metrics.push(
      makeMetric({
        key: "validation.tensor_round_trip_ms",
        component: "validation",
        label: "Tensor round trip through TensorService (4 KiB)",
        unit: "ms",
        direction: "lower_is_better",
        samples: roundTripMs,
      }),
    );
  }

  // 5. basic inference, 6. concurrent inference
  const common = {
    baseUrl: apiUrl,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.prompts.length ? { prompts: opts.prompts } : {}),
    timeoutMs: opts.requestTimeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const loaded: InferenceLoads = {};
  const basicInference = await timed("basic_inference", () =>
    checkBasicInference(common, opts.validationIterations, loaded),
  );
  const concurrentInference = await timed("concurrent_inference", () =>
    checkConcurrentInference(common, opts.concurrentRequests, loaded),
  );
  const loads = [loaded.basic, loaded.concurrent].filter((l): l is LoadResult => l !== undefined);
  const concurrent = loaded.concurrent;
  for (const l of loads) warnings.push(...l.warnings);

  // 7. performance floors
  const floors = await timed("performance_floors", () =>
    checkPerformanceFloors(loads, concurrent, opts.floors),
  );

  const summary = buildFixMap({
    serialization,
    discovery,
    reachability: reach,
    basicInference,
    concurrentInference,
    floors,
  });
  if (!readiness.ready)
    warnings.push(`cluster at ${apiUrl} was not ready: ${readiness.lastStatus}`);
  progress.note(`validation ${summary.criticalFailures.length ? "FAIL" : "PASS"}`);
  return {
    component: "validation",
    apiUrl,
    startedAt,
    finishedAt: clock.now().toISOString(),
    readiness,
    devices: probes,
    checks,
    summary,
    basicInference: loaded.basic ? summarizeLoad(loaded.basic) : null,
    concurrentInference: concurrent ? summarizeLoad(concurrent) : null,
    metrics,
    warnings: [...new Set(warnings)],
    model: loaded.basic?.model ?? found.model,
  };
}
