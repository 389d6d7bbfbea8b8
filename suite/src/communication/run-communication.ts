import type { MetricResult } from "@mlxbench/proto";
import { createDistributedCommClient, createTensorServiceClient } from "@mlxbench/proto";
import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import { splitHostPort } from "../raw-tcp-round-trip.js";
import type {
  BatchingFigures,
  CommunicationResult,
  GzipFigures,
  RoundTripFigures,
  ServiceAvailability,
  TransferPoint,
} from "../results/index.js";
import {
  channelEstablishmentMetric,
  gzipMetrics,
  roundTripMetrics,
  transferMetric,
} from "./communication-metrics.js";
import type { CommunicationOptions } from "./communication-options.js";
import { listRoundTripTargets } from "./list-round-trip-targets.js";
import { measureBatching } from "./measure-batching.js";
import { measureChannelEstablishment } from "./measure-channel-establishment.js";
import { measureGzip } from "./measure-gzip.js";
import { measureRoundTrips } from "./measure-round-trips.js";
import { measureTransfer } from "./measure-transfer.js";
import {
  startGrpcReferenceServer,
  type GrpcReferenceServer,
} from "./start-grpc-reference-server.js";
import { isLoopbackTarget } from "../assess-readiness.js";

/**
 * Round trips per device at least (a quick run's 10 iterations are too few for a median on a
 * shared machine; 50 interleaved pairs take ~0.3 s on loopback).
 */
const ROUND_TRIP_MIN_SAMPLES = 50;

/**
 * gRPC communication of the cluster: channel establishment, warm unary round trip against the raw
 * TCP round trip to the same HOST:PORT (the contract's overhead % and category), tensor transfer
 * throughput by payload size, batching (sequential, concurrent, streamed), gzip on and off, and
 * round trips per device. A failed call is an error, never a number.
 */
export async function runCommunication(
  opts: CommunicationOptions,
  deps: SuiteDeps,
): Promise<CommunicationResult> {
  const { clock, progress } = deps;
  const now = (): number => clock.monotonicMs();
  const startedAt = clock.now().toISOString();
  const warnings: string[] = [];
  const errors: string[] = [];
  const metrics: MetricResult[] = [];
  const services: ServiceAvailability = {};
  splitHostPort(opts.server); // a malformed address fails here, with its text

  // channel establishment, round trips, one per transfer size, batching, gzip
  progress.phase("communication", 4 + opts.transferSizes.length);

  // 1. channel establishment: fresh channels; the first failure means nothing else can work.
  const channelEstablishmentMs = await measureChannelEstablishment(
    opts.server,
    opts.iterations,
    now,
  );
  progress.advance(1, "channel establishment");

  const tensors = createTensorServiceClient(opts.server);
  const comm = createDistributedCommClient(opts.server);
  try {
    // 2+3. round trips and overhead, on the server and on every other device
    const targets = await listRoundTripTargets(opts.server, opts.apiUrl, warnings);
    // On loopback gRPC is judged against what it costs here: a bare grpc-js server beside the cluster.
    const reference =
      (opts.grpcReference ?? true) && isLoopbackTarget(opts.server)
        ? await startGrpcReferenceServer().catch((err: unknown) => {
            warnings.push(
              `no gRPC reference on loopback (${describeError(err)}): the time gRPC adds is judged against the fixed bound instead`,
            );
            return null;
          })
        : null;
    const roundTrips: RoundTripFigures[] = [];
    try {
      for (const t of targets) {
        try {
          roundTrips.push(
            await measureRoundTrips(
              t.deviceId,
              t.target,
              Math.max(opts.iterations, ROUND_TRIP_MIN_SAMPLES),
              now,
              services,
              reference && isLoopbackTarget(t.target) ? reference.target : undefined,
            ),
          );
        } catch (err) {
          errors.push(`round trip ${t.deviceId} (${t.target}): ${describeError(err)}`);
        }
      }
    } finally {
      await stopReference(reference);
    }
    const primary = roundTrips[0];
    if (primary && primary.target === (targets[0]?.target ?? "")) {
      metrics.push(...roundTripMetrics(primary));
    }
    metrics.push(channelEstablishmentMetric(channelEstablishmentMs));
    progress.advance(1, "round trips");

    // 4. transfer throughput by payload size (TensorService.SendTensor)
    let transfer: TransferPoint[] = [];
    if (services["TensorService"] === "not available") {
      warnings.push(
        "TensorService not available on the server: no tensor transfer, batching or gzip figures",
      );
    } else {
      transfer = await measureTransfer(tensors, opts, now, progress, errors);
      metrics.push(...transfer.map(transferMetric));
    }

    // 5. batching, 6. gzip on/off
    let batching: BatchingFigures | null = null;
    let gzip: GzipFigures | null = null;
    if (services["TensorService"] !== "not available") {
      batching = await measureBatching(tensors, comm, opts, now, services, errors);
      progress.advance(1, "batching");
      gzip = await measureGzip(tensors, opts, now, errors);
      if (gzip) metrics.push(...gzipMetrics(gzip));
      progress.advance(1, "gzip");
    } else {
      progress.advance(
        opts.transferSizes.length + 2,
        "no TensorService: transfer, batching and gzip skipped",
      );
    }

    return {
      component: "communication",
      server: opts.server,
      startedAt,
      finishedAt: clock.now().toISOString(),
      channelEstablishmentMs,
      roundTrips,
      transfer,
      batching,
      gzip,
      services,
      metrics,
      warnings,
      errors,
    };
  } finally {
    tensors.close();
    comm.close();
  }
}

function stopReference(reference: GrpcReferenceServer | null): Promise<void> {
  return reference ? reference.stop() : Promise.resolve();
}
