import type { AddressInfo } from "node:net";
import * as grpc from "@grpc/grpc-js";
import type pino from "pino";
import { createCompletionIds, createDevices, type ClusterState } from "./cluster-state.js";
import { DEFAULT_MODEL } from "./devices.js";
import { BatchEngine } from "./engine/batch-engine.js";
import { systemClock, type Clock } from "./engine/clock.js";
import { createRandom, hashSeed } from "./engine/random.js";
import { DEFAULT_TIMING, validateTimingModel, type TimingModel } from "./engine/timing-model.js";
import { createFaultControl, NO_FAULTS, type FaultControl, type Faults } from "./faults.js";
import { GroundTruthStore, type TokenTiming } from "./ground-truth.js";
import { RpcError } from "./grpc/rpc-support.js";
import { startDeviceServers } from "./grpc/start-device-servers.js";
import { createHttpServer } from "./http/create-http-server.js";

export interface ReferenceClusterOptions {
  /** Default 3; ids mini1 (coordinator, rank 0), mini2, master, then device-3, … */
  devices?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Default 0 = a random free port (`npm run sim` defaults to 8100). */
  httpPort?: number;
  /** Base port: rank r listens on grpcPort + r; 0 (default) = each device a random port. */
  grpcPort?: number;
  /** Default an 8B 4-bit Llama from mlx-community. */
  model?: string;
  /** Seeds noise, injected errors, generated text and chunking. Default 42. */
  seed?: number;
  /** Coefficient of variation of the log-normal noise on modelled delays. Default 0.05. */
  noiseCv?: number;
  slowdown?: number;
  errorRate?: number;
  /** Fault: every unary gRPC call waits this many ms before answering. Default 0. */
  grpcDelayMs?: number;
  /** Rank of a device that is down from the start. */
  deviceDown?: number | null;
  /** Default true; false = `stream: true` answered 501 like the original. */
  streaming?: boolean;
  /** The model reports "initializing" (chat 503) for this long after start. Default 0. */
  loadMs?: number;
  timing?: Partial<TimingModel>;
  /**
   * Time source of the timing model; the real clock by default. Ground truth's generatedAt is on
   * this clock, writtenAt always on the real one.
   */
  clock?: Clock;
  logger?: pino.Logger;
}

export interface ClusterDevice {
  deviceId: string;
  rank: number;
  role: "coordinator" | "worker";
  /** "host:port" of this device's gRPC server (all three services). */
  grpcAddress: string;
}

export interface ReferenceCluster {
  /** "http://127.0.0.1:PORT" */
  apiUrl: string;
  /** Rank 0's gRPC address "127.0.0.1:PORT". */
  grpcTarget: string;
  devices: ClusterDevice[];
  /** Get and set at run time: slowdown, errorRate, deviceDown, streaming, stallMs, malformed, … */
  faults: FaultControl;
  /** When the sim actually wrote each token of a completion (ms since the epoch, performance.timeOrigin + performance.now()). */
  groundTruth(completionId: string): TokenTiming | undefined;
  /** The timing model in force (timeScale applied by its functions). */
  timing: TimingModel;
  seed: number;
  /** Closes every socket; idempotent. */
  stop(): Promise<void>;
}

export class ReferenceClusterOptionsError extends Error {
  override name = "ReferenceClusterOptionsError";
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ReferenceClusterOptionsError(
      `${name} must be an integer in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Starts the HTTP API and one gRPC server per device; resolves once everything listens. */
export async function startReferenceCluster(
  opts: ReferenceClusterOptions = {},
): Promise<ReferenceCluster> {
  const deviceCount = checkInteger("devices", opts.devices ?? 3, 1, 64);
  const host = opts.host ?? "127.0.0.1";
  const httpPort = checkInteger("httpPort", opts.httpPort ?? 0, 0, 65535);
  const grpcPort = checkInteger("grpcPort", opts.grpcPort ?? 0, 0, 65535 - deviceCount + 1);
  const seed = checkInteger("seed", opts.seed ?? 42, 0, 2 ** 32 - 1);
  const noiseCv = opts.noiseCv ?? 0.05;
  if (!Number.isFinite(noiseCv) || noiseCv < 0 || noiseCv > 10) {
    throw new ReferenceClusterOptionsError(`noiseCv must be a number in [0, 10], got ${noiseCv}`);
  }
  let timing: TimingModel;
  try {
    timing = validateTimingModel({ ...DEFAULT_TIMING, ...opts.timing });
  } catch (error) {
    throw new ReferenceClusterOptionsError((error as Error).message, { cause: error });
  }
  const initialFaults: Faults = {
    ...NO_FAULTS,
    slowdown: opts.slowdown ?? NO_FAULTS.slowdown,
    errorRate: opts.errorRate ?? NO_FAULTS.errorRate,
    grpcDelayMs: opts.grpcDelayMs ?? NO_FAULTS.grpcDelayMs,
    deviceDown: opts.deviceDown ?? null,
    streaming: opts.streaming ?? true,
  };
  let faults: FaultControl;
  try {
    faults = createFaultControl(initialFaults, deviceCount);
  } catch (error) {
    throw new ReferenceClusterOptionsError((error as Error).message, { cause: error });
  }

  const clock = opts.clock ?? systemClock;
  const stopController = new AbortController();
  const state: ClusterState = {
    modelName: opts.model ?? DEFAULT_MODEL,
    seed,
    noiseCv,
    timing,
    devices: createDevices(deviceCount, timing),
    faults,
    clock,
    engine: new BatchEngine({
      clock,
      model: timing,
      devices: deviceCount,
      random: createRandom(hashSeed(seed, "engine-noise")),
      noiseCv: () => state.noiseCv,
      slowdown: () => faults.slowdown,
    }),
    groundTruth: new GroundTruthStore(),
    faultRandom: createRandom(hashSeed(seed, "faults")),
    startedAt: clock.now(),
    stats: { completions: 0, failures: 0, inferenceMsTotal: 0, communicationMsTotal: 0 },
    stopSignal: stopController.signal,
    logger: opts.logger,
    nextCompletionId: createCompletionIds(seed),
  };

  const loadMs = opts.loadMs ?? 0;
  let loadTimer: NodeJS.Timeout | undefined;
  if (loadMs > 0) {
    faults.set({ initializing: true });
    loadTimer = setTimeout(() => faults.set({ initializing: false }), loadMs);
    loadTimer.unref();
  }

  const servers: grpc.Server[] = await startDeviceServers(state, host, grpcPort);
  const httpServer = createHttpServer(state);
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(httpPort, host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    for (const server of servers) server.forceShutdown();
    throw new ReferenceClusterOptionsError(
      `HTTP API could not listen on ${formatHost(host)}:${httpPort}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const apiPort = (httpServer.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const devices = state.devices.map((d) => ({
    deviceId: d.deviceId,
    rank: d.rank,
    role: d.role,
    grpcAddress: `${formatHost(d.host)}:${d.port}`,
  }));
  opts.logger?.info(
    { apiUrl: `http://${formatHost(host)}:${apiPort}`, devices },
    "reference cluster listening",
  );

  return {
    apiUrl: `http://${formatHost(host)}:${apiPort}`,
    grpcTarget: devices[0]?.grpcAddress ?? "",
    devices,
    faults,
    groundTruth: (id) => state.groundTruth.get(id),
    timing,
    seed,
    stop() {
      stopping ??= (async () => {
        if (loadTimer) clearTimeout(loadTimer);
        stopController.abort(
          new RpcError(grpc.status.UNAVAILABLE, "the reference cluster is stopping"),
        );
        state.engine.stop();
        for (const server of servers) server.forceShutdown();
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
      })();
      return stopping;
    },
  };
}
