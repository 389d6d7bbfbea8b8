import { z } from "zod";
import { ClusterResponseError, ClusterUnreachableError, describeError } from "./errors.js";

// The cluster's optional HTTP endpoints, parsed leniently: only the fields the suite reads are
// checked, so any OpenAI-compatible server that has some of them still works.

export const HealthBody = z.looseObject({
  status: z.string(),
  model_loaded: z.boolean().optional(),
  model_name: z.string().optional(),
  device_id: z.string().optional(),
});
export type HealthBody = z.infer<typeof HealthBody>;

export const StatusDevice = z.looseObject({
  device_id: z.string(),
  hostname: z.string().optional(),
  port: z.number().optional(),
  role: z.string().optional(),
  rank: z.number().optional(),
  status: z.string().optional(),
  error: z.string().nullable().optional(),
});
export type StatusDevice = z.infer<typeof StatusDevice>;

export const PerformanceStats = z.looseObject({
  actual_memory_usage_gb: z.number().optional(),
  estimated_memory_usage_gb: z.number().optional(),
});

export const DistributedStatusBody = z.looseObject({
  status: z.string(),
  world_size: z.number().optional(),
  model_name: z.string().optional(),
  devices: z.array(StatusDevice).default([]),
  performance_stats: PerformanceStats.nullable().optional(),
});
export type DistributedStatusBody = z.infer<typeof DistributedStatusBody>;

export const GpuInfoBody = z.looseObject({
  cluster_info: z
    .looseObject({
      total_devices: z.number().optional(),
      healthy_devices: z.number().optional(),
      aggregate_hardware: z
        .looseObject({ device_models: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  devices: z
    .array(
      z.looseObject({
        device_id: z.string(),
        system_memory: z
          .looseObject({ total_gb: z.number().optional(), used_percent: z.number().optional() })
          .optional(),
        hardware: z
          .looseObject({ model: z.string().optional(), memory_gb: z.number().optional() })
          .optional(),
      }),
    )
    .default([]),
});
export type GpuInfoBody = z.infer<typeof GpuInfoBody>;

export const ModelsBody = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

export interface HttpGetOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Result of an optional endpoint: its body, or "not available" (404/405/501) and why. */
export type Optional<T> = { available: true; body: T } | { available: false; reason: string };

/**
 * GETs a JSON endpoint of the cluster. Connection failures throw ClusterUnreachableError; a
 * non-2xx status or a body that does not match throws ClusterResponseError.
 */
export async function getClusterJson<T>(
  apiUrl: string,
  path: string,
  schema: z.ZodType<T>,
  opts: HttpGetOptions = {},
): Promise<T> {
  const url = new URL(path, apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`).toString();
  const signals = [AbortSignal.timeout(Math.max(1, Math.round(opts.timeoutMs ?? 5000)))];
  if (opts.signal) signals.push(opts.signal);
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.any(signals),
      headers: { accept: "application/json" },
    });
  } catch (err) {
    throw new ClusterUnreachableError(`GET ${url} failed: ${describeError(causeOf(err))}`, apiUrl, {
      cause: err,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new ClusterResponseError(
      `GET ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`,
      url,
      res.status,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ClusterResponseError(
      `GET ${url} answered non-JSON: ${text.slice(0, 120)}`,
      url,
      res.status,
      {
        cause: err,
      },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ClusterResponseError(
      `GET ${url}: unexpected body (${first ? `${first.path.join(".") || "body"}: ${first.message}` : "invalid"})`,
      url,
      res.status,
    );
  }
  return parsed.data;
}

/** Like getClusterJson for an endpoint the contract makes optional: 404/405/501 mean "not available". */
export async function getOptionalClusterJson<T>(
  apiUrl: string,
  path: string,
  schema: z.ZodType<T>,
  opts: HttpGetOptions = {},
): Promise<Optional<T>> {
  try {
    return { available: true, body: await getClusterJson(apiUrl, path, schema, opts) };
  } catch (err) {
    if (
      err instanceof ClusterResponseError &&
      (err.status === 404 || err.status === 405 || err.status === 501)
    ) {
      return { available: false, reason: `GET ${path} answered HTTP ${err.status}` };
    }
    throw err;
  }
}

function causeOf(err: unknown): unknown {
  // fetch wraps the socket error ("fetch failed"); the cause says ECONNREFUSED, ENOTFOUND, …
  return err instanceof Error && err.cause !== undefined ? err.cause : err;
}
