// What one answer of a server's health endpoint means, for the servers people point mlxbench at.
// Shapes (each from the server's own documentation or source):
//   mlxbench contract   200 {"status":"healthy","model_loaded":true|false}
//   llama.cpp server    200 {"status":"ok"}; 503 {"error":{"code":503,"message":"Loading model",…}}
//   mlx_lm.server       200 {"status":"ok"}
//   vLLM, SGLang        200 with an empty body
//   Ollama              no /health (404): readiness comes from GET /v1/models instead

/** ready: measure now; starting: ask again; failed: waiting will not help. */
export type HealthState = "ready" | "starting" | "failed";

export interface HealthVerdict {
  state: HealthState;
  /** What the answer said, for the report: `status=ok`, `HTTP 503: Loading model`, … */
  detail: string;
  modelName?: string;
}

/** Statuses that say the endpoint does not exist, so another readiness source is needed. */
export const NO_HEALTH_ENDPOINT = new Set([404, 405, 501]);

/** Statuses that say "not yet": the server answers but is still loading or overloaded. */
const TRANSIENT = new Set([408, 425, 429, 502, 503, 504]);

/** Classifies one GET /health answer by its HTTP status and body text. */
export function classifyHealth(status: number, bodyText: string): HealthVerdict {
  const body = parseJson(bodyText);
  if (status < 200 || status >= 300) {
    const message = errorMessageOf(body) ?? bodyText.trim().slice(0, 120);
    const detail = `HTTP ${status}${message ? `: ${message}` : ""}`;
    return { state: TRANSIENT.has(status) ? "starting" : "failed", detail };
  }
  if (bodyText.trim() === "") return { state: "ready", detail: `HTTP ${status}, empty body` };
  if (!isRecord(body)) return { state: "ready", detail: `HTTP ${status}, non-JSON body` };
  const modelName = typeof body.model_name === "string" ? body.model_name : undefined;
  const withModel = (v: HealthVerdict): HealthVerdict => (modelName ? { ...v, modelName } : v);
  const s = typeof body.status === "string" ? body.status.toLowerCase() : undefined;
  if (s === undefined) return { state: "ready", detail: `HTTP ${status}, no status field` };
  const loaded = body.model_loaded;
  const detail = `status=${s}${typeof loaded === "boolean" ? ` model_loaded=${String(loaded)}` : ""}`;
  if (s === "healthy" || s === "ok" || s === "ready")
    return withModel({ state: loaded === false ? "starting" : "ready", detail });
  if (s === "error" || s === "failed") return withModel({ state: "failed", detail });
  // "unhealthy", "initializing", "loading", "no slot available", …: may still come up.
  return withModel({ state: "starting", detail });
}

/** Classifies a GET /v1/models answer, the readiness of servers without /health (Ollama). */
export function classifyModelsAnswer(status: number, bodyText: string): HealthVerdict {
  if (status < 200 || status >= 300) return classifyHealth(status, bodyText);
  const body = parseJson(bodyText);
  const data = isRecord(body) && Array.isArray(body.data) ? body.data : undefined;
  if (!data) return { state: "failed", detail: `GET /v1/models answered without a data list` };
  const first: unknown = data[0];
  const id = isRecord(first) && typeof first.id === "string" ? first.id : undefined;
  if (!id) return { state: "starting", detail: "GET /v1/models lists no model yet" };
  return { state: "ready", detail: `GET /v1/models lists ${data.length} model(s)`, modelName: id };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function errorMessageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const e = body.error;
  if (typeof e === "string") return e;
  if (isRecord(e) && typeof e.message === "string") return e.message;
  return typeof body.detail === "string" ? body.detail : undefined;
}
