export interface CommunicationOptions {
  /** HOST:PORT of the gRPC server to measure (DistributedComm / TensorService of rank 0). */
  server: string;
  iterations: number;
  transferSizes: readonly number[];
  /** The cluster's HTTP API, to find every device's gRPC address; without it only `server` is measured. */
  apiUrl?: string;
  quick: boolean;
  /**
   * Start a bare grpc-js server on loopback and measure the same call against it (default true;
   * only when `server` is a loopback address): readiness judges the cluster's gRPC against it.
   */
  grpcReference?: boolean;
}

/** Deadline of one gRPC call; large transfers get three times as long. */
export const TIMEOUT_MS = 10_000;
/** Large payloads take long: at most this many bytes per size in the transfer sweep. */
export const TRANSFER_BUDGET_BYTES = 256 * 1024 * 1024;
