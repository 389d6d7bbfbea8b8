import type { SuiteTarget } from "@mlxbench/proto";
import { DistributedStatusBody, getOptionalClusterJson } from "../cluster-http.js";
import { describeError } from "../errors.js";

export interface DetectedTarget {
  target: SuiteTarget;
  /** One line for the user: what was detected from what, and how to set it. */
  note: string;
}

/**
 * When no target is configured: an MLX cluster answers GET /distributed/status, an
 * OpenAI-compatible server (llama.cpp, vLLM, Ollama, …) does not have it.
 */
export async function detectTarget(
  apiUrl: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<DetectedTarget> {
  const how = "set cluster.target in .mlxbench.yml or pass --target to choose";
  try {
    const status = await getOptionalClusterJson(
      apiUrl,
      "distributed/status",
      DistributedStatusBody,
      {
        timeoutMs: opts.timeoutMs ?? 5000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    if (status.available)
      return {
        target: "mlx-cluster",
        note: `target: mlx-cluster (detected: ${apiUrl} answers GET /distributed/status; ${how})`,
      };
    return {
      target: "openai",
      note: `target: openai (detected: ${status.reason}, so HTTP only and gRPC parts not applicable; ${how})`,
    };
  } catch (err) {
    // Something answered, but not as the cluster would: keep the cluster's rules, and say why.
    return {
      target: "mlx-cluster",
      note: `target: mlx-cluster (default: /distributed/status could not be read: ${describeError(err)}; ${how})`,
    };
  }
}
