import type { MetricResult } from "@mlxbench/proto";
import type { OverheadCategory } from "../raw-tcp-round-trip.js";

export interface RoundTripFigures {
  target: string;
  deviceId: string;
  /** Which RPC the unary round trip used. */
  rpc: string;
  unaryRttMs: number[];
  rawRttMs: number[];
  tcpConnectMs: number;
  overheadPct: number;
  category: OverheadCategory;
  /**
   * The same call and PING to a bare grpc-js server with no-op handlers on loopback, measured
   * sample by sample between the device's: what gRPC itself costs on this machine. Absent when no
   * reference ran (a remote target is judged by the contract's percentage).
   */
  reference?: GrpcReferenceFigures;
}

export interface GrpcReferenceFigures {
  target: string;
  unaryRttMs: number[];
  rawRttMs: number[];
}

export interface TransferPoint {
  bytes: number;
  /** Wall time of SendTensor per call. */
  sendMs: number[];
  /** MiB/s of each call. */
  mibPerS: number[];
}

export interface BatchingFigures {
  messages: number;
  bytesPerMessage: number;
  sequentialMs: number | null;
  concurrentMs: number | null;
  streamedMs: number | null;
  notes: string[];
}

export interface GzipFigures {
  bytes: number;
  plainSendMs: number[];
  gzipSendMs: number[];
  compressedBytes: number;
  ratio: number;
}

/** Which gRPC services the server offers, as far as the measurements found out. */
export type ServiceAvailability = Record<string, "available" | "not available">;

export interface CommunicationResult {
  component: "communication";
  server: string;
  startedAt: string;
  finishedAt: string;
  /** Time from creating a client to a connected channel, one per fresh channel. */
  channelEstablishmentMs: number[];
  roundTrips: RoundTripFigures[];
  transfer: TransferPoint[];
  batching: BatchingFigures | null;
  gzip: GzipFigures | null;
  services: ServiceAvailability;
  metrics: MetricResult[];
  warnings: string[];
  /** Every failed call, by what was being measured; none of them became a number. */
  errors: string[];
}
