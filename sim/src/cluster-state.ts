import type pino from "pino";
import { MAC_MINI_M4_PRO, nameDevice, type DeviceHardware } from "./devices.js";
import type { BatchEngine } from "./engine/batch-engine.js";
import type { Clock } from "./engine/clock.js";
import { createRandom, hashSeed, type Random } from "./engine/random.js";
import { shardLayers, type TimingModel } from "./engine/timing-model.js";
import type { FaultControl } from "./faults.js";
import type { GroundTruthStore } from "./ground-truth.js";

export interface SimDevice {
  deviceId: string;
  rank: number;
  role: "coordinator" | "worker";
  hardware: DeviceHardware;
  /** The [start, end) layers this rank holds. */
  layers: { start: number; end: number };
  /** Filled once its gRPC server is bound. */
  host: string;
  port: number;
  /** Set by the Shutdown RPC: the device stays down until the cluster is restarted. */
  shutDown: boolean;
  /** RPCs this device answered, and the modelled time its Forward/ForwardPass calls took. */
  requestsProcessed: number;
  forwardCalls: number;
  forwardMsTotal: number;
}

export interface ClusterStats {
  completions: number;
  failures: number;
  inferenceMsTotal: number;
  communicationMsTotal: number;
}

/** Everything the HTTP and gRPC handlers share. */
export interface ClusterState {
  modelName: string;
  seed: number;
  /** Coefficient of variation of the log-normal noise on every modelled delay. */
  noiseCv: number;
  timing: TimingModel;
  devices: SimDevice[];
  faults: FaultControl;
  engine: BatchEngine;
  clock: Clock;
  groundTruth: GroundTruthStore;
  /** Draws for injected errors, apart from the engine's noise so one never shifts the other. */
  faultRandom: Random;
  /** Epoch ms at start. */
  startedAt: number;
  stats: ClusterStats;
  /** Aborted by stop(): long waits (GetTensor, collectives, Receive) end with it. */
  stopSignal: AbortSignal;
  logger: pino.Logger | undefined;
  nextCompletionId(): string;
}

export function createDevices(count: number, model: TimingModel): SimDevice[] {
  return Array.from({ length: count }, (_, rank) => ({
    deviceId: nameDevice(rank),
    rank,
    role: rank === 0 ? "coordinator" : "worker",
    hardware: MAC_MINI_M4_PRO,
    layers: shardLayers(model, count, rank),
    host: "",
    port: 0,
    shutDown: false,
    requestsProcessed: 0,
    forwardCalls: 0,
    forwardMsTotal: 0,
  }));
}

/** Whether a rank answers: not the injected down device and not shut down over gRPC. */
export function isDeviceUp(state: ClusterState, rank: number): boolean {
  const device = state.devices[rank];
  return device !== undefined && !device.shutDown && state.faults.deviceDown !== rank;
}

export function firstDownDevice(state: ClusterState): SimDevice | undefined {
  return state.devices.find((d) => !isDeviceUp(state, d.rank));
}

/** Deterministic completion ids under a seed: chatcmpl-<8 hex of the seed's hash>-<counter>. */
export function createCompletionIds(seed: number): () => string {
  const random = createRandom(hashSeed(seed, "completion-ids"));
  let counter = 0;
  return () => {
    counter += 1;
    const hex = Math.floor(random.next() * 0xffffffff)
      .toString(16)
      .padStart(8, "0");
    return `chatcmpl-${hex}${counter.toString(16).padStart(6, "0")}`;
  };
}
