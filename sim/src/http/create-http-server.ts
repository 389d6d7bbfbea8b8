import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ClusterState } from "../cluster-state.js";
import { nowMs } from "../engine/clock.js";
import { FaultValueError, parseFaultPatch } from "../faults.js";
import { handleChatCompletion } from "./chat-completions.js";
import {
  describeGpuInfo,
  describeHealth,
  describeModels,
  describeRoot,
  describeStatus,
} from "./cluster-endpoints.js";
import {
  parseJsonBody,
  readBody,
  RequestBodyError,
  sendDetail,
  sendHtml,
  sendJson,
} from "./respond.js";

const GET_ENDPOINTS: Record<string, (state: ClusterState) => object> = {
  "/": describeRoot,
  "/health": describeHealth,
  "/distributed/gpu-info": describeGpuInfo,
  "/distributed/status": describeStatus,
  "/v1/models": describeModels,
};

/**
 * The coordinator's HTTP API on plain node:http (the SSE writer decides when every byte goes out),
 * plus the sim's own control endpoints under /_sim/.
 */
export function createHttpServer(state: ClusterState): Server {
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    route(state, req, res).catch((error: unknown) => {
      state.logger?.error({ err: error, url: req.url }, "sim HTTP handler failed");
      if (!res.headersSent)
        sendDetail(res, 500, `Internal server error: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  return server;
}

async function route(
  state: ClusterState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sim");
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  const method = req.method ?? "GET";

  if (path.startsWith("/_sim/")) return routeControl(state, req, res, path, method);

  const describe = GET_ENDPOINTS[path];
  const isChat = path === "/v1/chat/completions";
  if (!describe && !isChat) return sendDetail(res, 404, "Not Found");
  if ((describe && method !== "GET" && method !== "HEAD") || (isChat && method !== "POST")) {
    res.setHeader("allow", isChat ? "POST" : "GET");
    return sendDetail(res, 405, "Method Not Allowed");
  }
  if (state.faults.malformed === "html") {
    if (isChat) await readBody(req).catch(() => "");
    return sendHtml(res);
  }
  if (describe) return sendJson(res, 200, describe(state));

  let body: unknown;
  try {
    body = parseJsonBody(await readBody(req));
  } catch (error) {
    if (error instanceof RequestBodyError) return sendDetail(res, error.status, error.message);
    throw error;
  }
  await handleChatCompletion(state, res, body, nowMs());
}

/** GET/POST /_sim/faults, POST /_sim/faults/reset, GET /_sim/ground-truth/:id, GET /_sim/info. */
async function routeControl(
  state: ClusterState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
): Promise<void> {
  if (path === "/_sim/faults" && method === "GET") return sendJson(res, 200, state.faults.get());
  if (path === "/_sim/faults" && method === "POST") {
    try {
      const patch = parseFaultPatch(parseJsonBody(await readBody(req)));
      return sendJson(res, 200, state.faults.set(patch));
    } catch (error) {
      if (error instanceof RequestBodyError) return sendDetail(res, error.status, error.message);
      if (error instanceof FaultValueError)
        return sendDetail(res, 400, `invalid faults: ${error.message}`);
      throw error;
    }
  }
  if (path === "/_sim/faults/reset" && method === "POST")
    return sendJson(res, 200, state.faults.reset());
  if (path.startsWith("/_sim/ground-truth/") && method === "GET") {
    const id = decodeURIComponent(path.slice("/_sim/ground-truth/".length));
    const timing = state.groundTruth.get(id);
    return timing
      ? sendJson(res, 200, timing)
      : sendDetail(res, 404, `no completion with id ${id}`);
  }
  if (path === "/_sim/info" && method === "GET") {
    return sendJson(res, 200, {
      seed: state.seed,
      model: state.modelName,
      timing: state.timing,
      faults: state.faults.get(),
      engine: { ...state.engine.stats, ...state.engine.load() },
      devices: state.devices.map((d) => ({
        device_id: d.deviceId,
        rank: d.rank,
        role: d.role,
        grpc_address: `${d.host}:${d.port}`,
        layers: d.layers,
      })),
      clock: "ms since the Unix epoch, performance.timeOrigin + performance.now()",
    });
  }
  return sendDetail(res, 404, `no sim control endpoint ${method} ${path}`);
}
