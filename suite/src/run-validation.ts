import type { FixStatus, MetricResult, ValidationSummary } from "@mlxbench/proto";
import {
  DTYPES,
  createDistributedInferenceClient,
  createTensorServiceClient,
  decodeTensor,
  encodeTensor,
} from "@mlxbench/proto";
import { runLoad } from "./measure/index.js";
import type { LoadResult } from "./measure/index.js";
import { roundTripTensor } from "./cluster-tensor-round-trip.js";
import { DistributedStatusBody, getOptionalClusterJson } from "./cluster-http.js";
import type { SuiteDeps } from "./deps.js";
import {
  deviceAddressesOf,
  isHealthyDeviceStatus,
  type DeviceAddress,
} from "./device-addresses.js";
import { describeError } from "./errors.js";
import { callGrpc, isUnimplemented } from "./grpc-call.js";
import { describeErrors, summarizeLoad, type LoadSummary } from "./load-summary.js";
import { makeMetric } from "./metric.js";
import type { SuiteOptions, Target } from "./suite-options.js";
import { makeTensor, tensorsIdentical } from "./tensor-fixtures.js";
import { waitForReady, type ReadinessWait } from "./wait-for-ready.js";

export type CheckStatus = "PASS" | "FAIL" | "SKIPPED";

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

const GRPC_TIMEOUT_MS = 5000;

/**
 * Validates that the cluster works: readiness, device discovery, gRPC reachability of every
 * device, a tensor round trip through the cluster, basic and really-concurrent inference, and
 * the performance floors; then the contract's fix map and PASS/FAIL.
 */
export async function runValidation(
  opts: Pick<
    SuiteOptions,
    | "readinessTimeoutMs"
    | "expectedDevices"
    | "validationIterations"
    | "concurrentRequests"
    | "model"
    | "prompts"
    | "floors"
    | "requestTimeoutMs"
  > & { target: Target },
  deps: SuiteDeps,
): Promise<ValidationResult> {
  const { clock, progress, logger } = deps;
  const startedAt = clock.now().toISOString();
  const checks: ValidationCheck[] = [];
  const warnings: string[] = [];
  const metrics: MetricResult[] = [];
  const apiUrl = opts.target.apiUrl;
  progress.phase("validation", 7);

  const timed = async (
    name: string,
    fn: () =>
      | Omit<ValidationCheck, "name" | "durationMs">
      | Promise<Omit<ValidationCheck, "name" | "durationMs">>,
  ) => {
    const t0 = clock.monotonicMs();
    let check: ValidationCheck;
    try {
      check = { name, ...(await fn()), durationMs: clock.monotonicMs() - t0 };
    } catch (err) {
      check = {
        name,
        status: "FAIL",
        message: describeError(err),
        durationMs: clock.monotonicMs() - t0,
      };
    }
    checks.push(check);
    logger.info({ check: name, status: check.status }, check.message);
    progress.advance(1, `${name}: ${check.status}`);
    return check;
  };

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
  let addresses: DeviceAddress[] = [];
  let statusModel: string | null = readiness.modelName ?? null;
  const discovery = await timed("device_discovery", async () => {
    const status = await getOptionalClusterJson(
      apiUrl,
      "distributed/status",
      DistributedStatusBody,
      {
        timeoutMs: GRPC_TIMEOUT_MS,
      },
    );
    if (!status.available) {
      return { status: "SKIPPED", message: `device discovery not available (${status.reason})` };
    }
    addresses = deviceAddressesOf(status.body);
    statusModel = status.body.model_name ?? statusModel;
    const ids = addresses.map((a) => a.deviceId);
    const problems: string[] = [];
    if (addresses.length === 0) problems.push("the cluster reported no devices");
    const missing = opts.expectedDevices.filter((e) => !ids.includes(e));
    if (missing.length) problems.push(`expected devices not reported: ${missing.join(", ")}`);
    if (status.body.world_size !== undefined && status.body.world_size !== addresses.length) {
      problems.push(`world_size ${status.body.world_size} but ${addresses.length} devices listed`);
    }
    const sick = status.body.devices.filter((d) => !isHealthyDeviceStatus(d.status ?? "unknown"));
    for (const d of sick) {
      problems.push(
        `device ${d.device_id}${d.rank !== undefined ? ` (rank ${d.rank})` : ""} is ${d.status ?? "of unknown status"}` +
          (d.error ? `: ${d.error}` : ""),
      );
    }
    const found = `${addresses.length} devices (${ids.join(", ")})`;
    return problems.length
      ? {
          status: "FAIL",
          message: `${found}; ${problems.join("; ")}`,
          details: { devices: addresses },
        }
      : {
          status: "PASS",
          message: `${found}${opts.expectedDevices.length ? ", all expected devices present" : ""}, all healthy`,
          details: { devices: addresses },
        };
  });

  // 3. gRPC reachability of every device, and 4. a tensor round trip through each
  const probes: DeviceProbe[] = [];
  const grpcTargets: DeviceAddress[] =
    addresses.length > 0
      ? addresses
      : opts.target.grpcTarget
        ? [
            {
              deviceId: "grpc-target",
              rank: null,
              address: opts.target.grpcTarget,
              status: "unknown",
            },
          ]
        : [];
  const roundTripMs: number[] = [];
  await timed("grpc_reachability", async () => {
    if (grpcTargets.length === 0)
      return { status: "SKIPPED", message: "no device addresses and no --grpc-target" };
    for (const d of grpcTargets)
      probes.push(await probeDevice(d, opts.validationIterations, roundTripMs, clock));
    const bad = probes.filter((p) => !p.reachable || !p.healthy);
    const detail = probes
      .map(
        (p) =>
          `${p.deviceId}@${p.address ?? "?"}: ${p.reachable ? (p.healthy ? "ok" : "unhealthy") : "unreachable"}`,
      )
      .join(", ");
    return bad.length
      ? {
          status: "FAIL",
          message: `${bad.length} of ${probes.length} devices failed gRPC: ${bad
            .map(
              (p) =>
                `${p.deviceId} (${Object.values(p.services).find((s) => s !== "ok") ?? "unhealthy"})`,
            )
            .join("; ")}`,
          details: { probes },
        }
      : {
          status: "PASS",
          message: `all ${probes.length} devices answer gRPC health checks: ${detail}`,
          details: { probes },
        };
  });

  const serialization = await timed("tensor_round_trip", () => {
    const local = DTYPES.filter((dtype) => {
      const t = makeTensor(dtype, 4096, 3);
      return !tensorsIdentical(t, decodeTensor(encodeTensor(t)));
    });
    if (local.length)
      return { status: "FAIL", message: `local codec round trip changed ${local.join(", ")}` };
    const tried = probes.filter((p) => p.tensorRoundTrip !== "not available");
    if (tried.length === 0) {
      return {
        status: "SKIPPED",
        message:
          "codec round trip exact for every dtype; no device offers TensorService, so no cluster round trip",
      };
    }
    const bad = tried.filter((p) => p.tensorRoundTrip !== "exact");
    return bad.length
      ? {
          status: "FAIL",
          message: `tensor round trip failed on ${bad.map((p) => `${p.deviceId}: ${p.tensorRoundTrip}`).join("; ")}`,
        }
      : {
          status: "PASS",
          message: `${DTYPES.length} dtypes exact through the codec; SendTensor/GetTensor exact on ${tried.length} devices`,
        };
  });
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
  // Assigned inside the checks' closures; a holder keeps the types honest.
  const loaded: { basic?: LoadResult; concurrent?: LoadResult } = {};
  const basicCheck = await timed("basic_inference", async () => {
    const basic = await runLoad({
      ...common,
      load: { kind: "concurrency", concurrency: 1 },
      requests: opts.validationIterations,
    });
    loaded.basic = basic;
    const m = basic.metrics;
    const ok = basic.records.filter((r) => r.ok).length;
    const msg = `${ok} of ${basic.records.length} requests succeeded (errors: ${describeErrors(m.errorsByClass)})`;
    return ok > 0 ? { status: "PASS", message: msg } : { status: "FAIL", message: msg };
  });
  const concurrentCheck = await timed("concurrent_inference", async () => {
    const concurrent = await runLoad({
      ...common,
      load: { kind: "concurrency", concurrency: opts.concurrentRequests },
      requests: opts.concurrentRequests,
    });
    loaded.concurrent = concurrent;
    const s = summarizeLoad(concurrent);
    const ok = concurrent.records.filter((r) => r.ok).length;
    const overlap = opts.concurrentRequests < 2 || s.maxInFlight > 1;
    const msg =
      `${ok} of ${concurrent.records.length} requests succeeded with up to ${s.maxInFlight} in flight ` +
      `(errors: ${describeErrors(concurrent.metrics.errorsByClass)})`;
    return ok > 0 && overlap
      ? { status: "PASS", message: msg }
      : { status: "FAIL", message: overlap ? msg : `${msg}; the requests did not overlap` };
  });
  const loads = [loaded.basic, loaded.concurrent].filter((l): l is LoadResult => l !== undefined);
  const concurrent = loaded.concurrent;
  for (const l of loads) warnings.push(...l.warnings);

  // 7. performance floors
  const floors = await timed("performance_floors", () => {
    if (loads.length === 0) return { status: "SKIPPED", message: "no inference was measured" };
    const records = loads.flatMap((l) => l.records);
    const attempted = records.filter((r) => r.error?.class !== "aborted").length;
    const ok = records.filter((r) => r.ok).length;
    const rate = attempted ? ok / attempted : 0;
    const problems: string[] = [];
    const notes: string[] = [`success rate ${(rate * 100).toFixed(1)} %`];
    if (rate < opts.floors.min_success_rate) {
      problems.push(
        `success rate ${(rate * 100).toFixed(1)} % is below ${(opts.floors.min_success_rate * 100).toFixed(0)} % ` +
          `(${attempted - ok} of ${attempted} failed: ${describeErrors(mergeErrors(loads))})`,
      );
    }
    const p95 = concurrent?.metrics.e2eMs?.p95;
    if (opts.floors.max_e2e_p95_ms !== undefined) {
      if (p95 === undefined) problems.push("end-to-end p95 not measured");
      else if (p95 > opts.floors.max_e2e_p95_ms)
        problems.push(`e2e p95 ${p95.toFixed(0)} ms > ${opts.floors.max_e2e_p95_ms} ms`);
      else notes.push(`e2e p95 ${p95.toFixed(0)} ms`);
    }
    const tps = concurrent?.metrics.outputTokensPerS;
    if (opts.floors.min_output_tokens_per_s !== undefined) {
      if (tps === undefined) problems.push("throughput not measured");
      else if (tps < opts.floors.min_output_tokens_per_s) {
        problems.push(`${tps.toFixed(1)} tokens/s < ${opts.floors.min_output_tokens_per_s}`);
      } else notes.push(`${tps.toFixed(1)} tokens/s`);
    }
    return problems.length
      ? { status: "FAIL", message: problems.join("; "), details: { successRate: rate } }
      : { status: "PASS", message: notes.join(", "), details: { successRate: rate } };
  });

  const fixStatus = (name: string, critical: boolean, parts: ValidationCheck[]): FixStatus => {
    const failed = parts.filter((c) => c.status === "FAIL");
    const passed = parts.filter((c) => c.status === "PASS");
    const status = failed.length ? "FAIL" : passed.length ? "PASS" : "SKIPPED";
    const source = failed.length ? failed : parts;
    return {
      name,
      critical,
      status,
      message: source.map((c) => `${c.name}: ${c.message}`).join(" | "),
    };
  };
  const reach = checks.find((c) => c.name === "grpc_reachability");
  const fixes: FixStatus[] = [
    fixStatus("grpc_tensor_serialization", true, [serialization]),
    fixStatus("device_discovery", true, [discovery]),
    fixStatus("grpc_communication", true, reach ? [reach] : []),
    fixStatus("distributed_inference", true, [basicCheck, concurrentCheck]),
    fixStatus("performance_optimization", false, [floors]),
  ];
  const criticalFailures = fixes
    .filter((f) => f.critical && f.status === "FAIL")
    .map((f) => f.name);
  if (!readiness.ready)
    warnings.push(`cluster at ${apiUrl} was not ready: ${readiness.lastStatus}`);
  progress.note(`validation ${criticalFailures.length ? "FAIL" : "PASS"}`);
  return {
    component: "validation",
    apiUrl,
    startedAt,
    finishedAt: clock.now().toISOString(),
    readiness,
    devices: probes,
    checks,
    summary: { status: criticalFailures.length ? "FAIL" : "PASS", criticalFailures, fixes },
    basicInference: loaded.basic ? summarizeLoad(loaded.basic) : null,
    concurrentInference: concurrent ? summarizeLoad(concurrent) : null,
    metrics,
    warnings: [...new Set(warnings)],
    model: loaded.basic?.model ?? statusModel,
  };
}

function mergeErrors(loads: LoadResult[]): Partial<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const l of loads) {
    for (const [k, n] of Object.entries(l.metrics.errorsByClass)) out[k] = (out[k] ?? 0) + (n ?? 0);
  }
  return out;
}

/** How one gRPC service answered its HealthCheck. */
interface ServiceHealth {
  /** What the probe reports: "ok", "unhealthy (…)", "not available" or the call's error. */
  status: string;
  /** It answered, even if only to say it is not implemented: the device is reachable. */
  answered: boolean;
  /** It implements HealthCheck, so the service is there. */
  implemented: boolean;
  healthy: boolean;
}

/** Runs one HealthCheck; `check` gives its verdict and, when unhealthy, the service's note. */
async function checkServiceHealth(
  check: () => Promise<{ healthy: boolean; note: string }>,
): Promise<ServiceHealth> {
  try {
    const h = await check();
    return {
      status: h.healthy ? "ok" : `unhealthy (${h.note})`,
      answered: true,
      implemented: true,
      healthy: h.healthy,
    };
  } catch (err) {
    if (isUnimplemented(err))
      return { status: "not available", answered: true, implemented: false, healthy: false };
    return { status: describeError(err), answered: false, implemented: false, healthy: false };
  }
}

/** Health of a device's DistributedInference and TensorService, then a tensor round trip through it. */
async function probeDevice(
  d: DeviceAddress,
  iterations: number,
  roundTripMs: number[],
  clock: SuiteDeps["clock"],
): Promise<DeviceProbe> {
  const probe: DeviceProbe = {
    deviceId: d.deviceId,
    address: d.address,
    reportedStatus: d.status,
    reachable: false,
    healthy: false,
    services: {},
    tensorRoundTrip: "not available",
  };
  if (!d.address) {
    probe.services["address"] = "the cluster did not report hostname and port";
    return probe;
  }
  const target = d.address;
  const inference = createDistributedInferenceClient(target);
  const tensors = createTensorServiceClient(target);
  try {
    const inferenceHealth = await checkServiceHealth(async () => {
      const h = await callGrpc(
        inference,
        target,
        "DistributedInference.HealthCheck",
        inference.HealthCheck,
        { include_stats: false },
        GRPC_TIMEOUT_MS,
      );
      return { healthy: h.healthy, note: h.status || "no status" };
    });
    probe.services["DistributedInference"] = inferenceHealth.status;
    const tensorHealth = await checkServiceHealth(async () => {
      const h = await callGrpc(
        tensors,
        target,
        "TensorService.HealthCheck",
        tensors.HealthCheck,
        { device_id: d.deviceId },
        GRPC_TIMEOUT_MS,
      );
      return { healthy: h.healthy, note: h.status_message || "no message" };
    });
    probe.services["TensorService"] = tensorHealth.status;
    const answered = [inferenceHealth, tensorHealth].filter((h) => h.answered).length;
    const healthy = [inferenceHealth, tensorHealth].filter((h) => h.healthy).length;
    const tensorService = tensorHealth.implemented;
    probe.reachable = answered > 0;
    const unhealthy = Object.values(probe.services).some((s) => s.startsWith("unhealthy"));
    probe.healthy = probe.reachable && healthy > 0 && !unhealthy;
    if (tensorService && probe.healthy) {
      try {
        let exact = true;
        for (let i = 0; i < iterations; i++) {
          const dtype = DTYPES[i % DTYPES.length] ?? "float32";
          const rt = await roundTripTensor(tensors, target, makeTensor(dtype, 4096, i + 1), {
            compression: i % 2 === 0 ? "none" : "gzip",
            timeoutMs: GRPC_TIMEOUT_MS,
            now: () => clock.monotonicMs(),
          });
          roundTripMs.push(rt.sendMs + rt.getMs);
          exact &&= rt.exact;
        }
        probe.tensorRoundTrip = exact ? "exact" : "mismatch";
      } catch (err) {
        probe.tensorRoundTrip = isUnimplemented(err) ? "not available" : describeError(err);
      }
    }
  } finally {
    inference.close();
    tensors.close();
  }
  return probe;
}
