import { computeMedian } from "@mlxbench/verdict/stats";
import { randomUUID } from "node:crypto";
import type { MetricResult } from "@mlxbench/proto";
import {
  createDistributedCommClient,
  createDistributedInferenceClient,
  createTensorServiceClient,
  encodeCommData,
  encodeServiceTensor,
} from "@mlxbench/proto";
import type { DistributedCommClient, ReceiveResponse, TensorServiceClient } from "@mlxbench/proto";
import type { SuiteDeps } from "./deps.js";
import { DistributedStatusBody, getOptionalClusterJson } from "./cluster-http.js";
import { deviceAddressesOf } from "./device-addresses.js";
import { describeError, GrpcCallError } from "./errors.js";
import { callGrpc, isUnimplemented, waitForChannel } from "./grpc-call.js";
import { finiteOrNull, formatBytes, makeMetric } from "./metric.js";
import {
  grpcOverhead,
  measureRawRoundTrips,
  splitHostPort,
  type OverheadCategory,
} from "./raw-tcp-round-trip.js";
import { makeActivationTensor } from "./tensor-fixtures.js";

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
  services: Record<string, "available" | "not available">;
  metrics: MetricResult[];
  warnings: string[];
  /** Every failed call, by what was being measured; none of them became a number. */
  errors: string[];
}

export interface CommunicationOptions {
  /** HOST:PORT of the gRPC server to measure (DistributedComm / TensorService of rank 0). */
  server: string;
  iterations: number;
  transferSizes: readonly number[];
  /** The cluster's HTTP API, to find every device's gRPC address; without it only `server` is measured. */
  apiUrl?: string;
  quick: boolean;
}

const TIMEOUT_MS = 10_000;
/** Large payloads take long: at most this many bytes per size in the transfer sweep. */
const TRANSFER_BUDGET_BYTES = 256 * 1024 * 1024;

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
  const services: Record<string, "available" | "not available"> = {};
  splitHostPort(opts.server); // a malformed address fails here, with its text

  progress.phase("communication", 6 + opts.transferSizes.length);

  // 1. channel establishment: fresh channels; the first failure means nothing else can work.
  const channelEstablishmentMs: number[] = [];
  const channels = Math.min(opts.iterations, 10);
  for (let i = 0; i < channels; i++) {
    const client = createTensorServiceClient(opts.server, {
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
    });
    const t0 = now();
    try {
      await waitForChannel(client, opts.server, TIMEOUT_MS);
      channelEstablishmentMs.push(now() - t0);
    } finally {
      client.close();
    }
  }
  progress.advance(1, "channel establishment");

  const tensors = createTensorServiceClient(opts.server);
  const comm = createDistributedCommClient(opts.server);
  try {
    // 2+3. round trips and overhead, on the server and on every other device
    const targets: { deviceId: string; target: string }[] = [
      { deviceId: "server", target: opts.server },
    ];
    if (opts.apiUrl) {
      try {
        const status = await getOptionalClusterJson(
          opts.apiUrl,
          "distributed/status",
          DistributedStatusBody,
          { timeoutMs: 5000 },
        );
        if (status.available) {
          for (const d of deviceAddressesOf(status.body)) {
            if (!d.address) continue;
            if (d.address === opts.server) targets[0] = { deviceId: d.deviceId, target: d.address };
            else targets.push({ deviceId: d.deviceId, target: d.address });
          }
        } else warnings.push(`per-device figures: ${status.reason}; only ${opts.server} measured`);
      } catch (err) {
        warnings.push(
          `per-device figures: cannot list devices (${describeError(err)}); only ${opts.server} measured`,
        );
      }
    }
    const roundTrips: RoundTripFigures[] = [];
    for (const t of targets) {
      try {
        roundTrips.push(
          await measureRoundTrips(t.deviceId, t.target, opts.iterations, now, services),
        );
      } catch (err) {
        errors.push(`round trip ${t.deviceId} (${t.target}): ${describeError(err)}`);
      }
    }
    const primary = roundTrips[0];
    if (primary && primary.target === (targets[0]?.target ?? "")) {
      metrics.push(
        makeMetric({
          key: "communication.unary_rtt_ms",
          component: "communication",
          label: `Warm unary round trip (${primary.rpc})`,
          unit: "ms",
          direction: "lower_is_better",
          samples: primary.unaryRttMs,
        }),
        makeMetric({
          key: "communication.raw_tcp_rtt_ms",
          component: "communication",
          label: "Raw TCP round trip (HTTP/2 PING, same host:port)",
          unit: "ms",
          direction: "lower_is_better",
          samples: primary.rawRttMs,
        }),
        makeMetric({
          key: "communication.overhead_pct",
          component: "communication",
          label: "gRPC overhead over raw TCP",
          unit: "%",
          direction: "lower_is_better",
          samples: [primary.overheadPct],
        }),
      );
    }
    metrics.push(
      makeMetric({
        key: "communication.channel_establishment_ms",
        component: "communication",
        label: "gRPC channel establishment",
        unit: "ms",
        direction: "lower_is_better",
        samples: channelEstablishmentMs,
      }),
    );
    progress.advance(1, "round trips");

    // 4. transfer throughput by payload size (TensorService.SendTensor)
    const transfer: TransferPoint[] = [];
    if (services["TensorService"] === "not available") {
      warnings.push(
        "TensorService not available on the server: no tensor transfer, batching or gzip figures",
      );
    } else {
      for (const bytes of opts.transferSizes) {
        const reps = Math.max(
          2,
          Math.min(opts.iterations, Math.floor(TRANSFER_BUDGET_BYTES / bytes)),
        );
        const tensor = makeActivationTensor(bytes, bytes);
        const msg = encodeServiceTensor(tensor, {
          tensorId: `mlxbench-transfer-${bytes}`,
          compression: "none",
        });
        const point: TransferPoint = { bytes, sendMs: [], mibPerS: [] };
        try {
          for (let i = 0; i < reps; i++) {
            const t0 = now();
            await sendTensorOrThrow(tensors, opts.server, msg, ` ${formatBytes(bytes)}`);
            const ms = now() - t0;
            point.sendMs.push(ms);
            point.mibPerS.push(bytes / (1024 * 1024) / (ms / 1000));
          }
          transfer.push(point);
          metrics.push(
            makeMetric({
              key: `communication.transfer_${formatBytes(bytes)}_mib_per_s`,
              component: "communication",
              label: `Tensor transfer ${formatBytes(bytes)}`,
              unit: "MiB/s",
              direction: "higher_is_better",
              samples: point.mibPerS,
            }),
          );
        } catch (err) {
          errors.push(`transfer ${formatBytes(bytes)}: ${describeError(err)}`);
        }
        progress.advance(1, `transfer ${formatBytes(bytes)}`);
      }
    }

    // 5. batching, 6. gzip on/off
    let batching: BatchingFigures | null = null;
    let gzip: GzipFigures | null = null;
    if (services["TensorService"] !== "not available") {
      batching = await measureBatching(tensors, comm, opts, now, services, errors);
      gzip = await measureGzip(tensors, opts, now, errors);
      if (gzip) {
        metrics.push(
          makeMetric({
            key: "communication.gzip_send_ms",
            component: "communication",
            label: `SendTensor ${formatBytes(gzip.bytes)} with gzip`,
            unit: "ms",
            direction: "lower_is_better",
            samples: gzip.gzipSendMs,
          }),
          makeMetric({
            key: "communication.plain_send_ms",
            component: "communication",
            label: `SendTensor ${formatBytes(gzip.bytes)} without compression`,
            unit: "ms",
            direction: "lower_is_better",
            samples: gzip.plainSendMs,
          }),
        );
      }
    }
    progress.advance(2, "batching and gzip");

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

/** Warm unary health RPC vs HTTP/2 PING on a bare socket, on one device. */
async function measureRoundTrips(
  deviceId: string,
  target: string,
  iterations: number,
  now: () => number,
  services: Record<string, "available" | "not available">,
): Promise<RoundTripFigures> {
  const tensors = createTensorServiceClient(target);
  const inference = createDistributedInferenceClient(target);
  try {
    // The first health RPC the server implements; UNIMPLEMENTED means the capability is absent.
    let rpc: () => Promise<unknown>;
    let rpcName = "TensorService.HealthCheck";
    try {
      await callGrpc(
        tensors,
        target,
        rpcName,
        tensors.HealthCheck,
        { device_id: deviceId },
        TIMEOUT_MS,
      );
      services["TensorService"] ??= "available";
      rpc = () =>
        callGrpc(
          tensors,
          target,
          rpcName,
          tensors.HealthCheck,
          { device_id: deviceId },
          TIMEOUT_MS,
        );
    } catch (err) {
      if (!isUnimplemented(err)) throw err;
      services["TensorService"] ??= "not available";
      rpcName = "DistributedInference.HealthCheck";
      await callGrpc(
        inference,
        target,
        rpcName,
        inference.HealthCheck,
        { include_stats: false },
        TIMEOUT_MS,
      );
      rpc = () =>
        callGrpc(
          inference,
          target,
          rpcName,
          inference.HealthCheck,
          { include_stats: false },
          TIMEOUT_MS,
        );
    }
    for (let i = 0; i < 3; i++) await rpc(); // warm the channel and the server's code paths
    const unaryRttMs: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = now();
      await rpc();
      unaryRttMs.push(now() - t0);
    }
    const { host, port } = splitHostPort(target);
    const raw = await measureRawRoundTrips(host, port, iterations, { now });
    const grpcMedian = finiteOrNull(computeMedian(unaryRttMs));
    const rawMedian = finiteOrNull(computeMedian(raw.rttMs));
    if (grpcMedian === null || rawMedian === null) throw new Error("no round trips measured");
    const { pct, category } = grpcOverhead(grpcMedian, rawMedian);
    return {
      target,
      deviceId,
      rpc: rpcName,
      unaryRttMs,
      rawRttMs: raw.rttMs,
      tcpConnectMs: raw.connectMs,
      overheadPct: pct,
      category,
    };
  } finally {
    tensors.close();
    inference.close();
  }
}

async function measureBatching(
  tensors: TensorServiceClient,
  comm: DistributedCommClient,
  opts: CommunicationOptions,
  now: () => number,
  services: Record<string, "available" | "not available">,
  errors: string[],
): Promise<BatchingFigures> {
  const messages = Math.max(2, Math.min(opts.iterations, 32));
  const bytes = 16 * 1024;
  const tensor = makeActivationTensor(bytes, 11);
  const notes: string[] = [];
  const send = (i: number) =>
    callGrpc(
      tensors,
      opts.server,
      "TensorService.SendTensor",
      tensors.SendTensor,
      {
        tensor: encodeServiceTensor(tensor, {
          tensorId: `mlxbench-batch-${i}`,
          compression: "none",
        }),
      },
      TIMEOUT_MS,
    );
  const figures: BatchingFigures = {
    messages,
    bytesPerMessage: bytes,
    sequentialMs: null,
    concurrentMs: null,
    streamedMs: null,
    notes,
  };
  try {
    const t0 = now();
    for (let i = 0; i < messages; i++) await send(i);
    figures.sequentialMs = now() - t0;
  } catch (err) {
    errors.push(`batching (sequential): ${describeError(err)}`);
  }
  try {
    const t0 = now();
    await Promise.all(Array.from({ length: messages }, (_, i) => send(i)));
    figures.concurrentMs = now() - t0;
  } catch (err) {
    errors.push(`batching (concurrent): ${describeError(err)}`);
  }
  // streamed: one DistributedComm.Receive stream delivers every message sent to it
  try {
    figures.streamedMs = await measureStreamed(comm, opts.server, tensor, messages, now);
    services["DistributedComm"] = "available";
  } catch (err) {
    if (isUnimplemented(err)) {
      services["DistributedComm"] = "not available";
      notes.push("DistributedComm not available on the server: no streamed figure");
    } else errors.push(`batching (streamed): ${describeError(err)}`);
  }
  return figures;
}

function measureStreamed(
  comm: DistributedCommClient,
  server: string,
  tensor: ReturnType<typeof makeActivationTensor>,
  messages: number,
  now: () => number,
): Promise<number> {
  const tag = `mlxbench-stream-${randomUUID()}`;
  const data = encodeCommData(tensor);
  return new Promise<number>((resolve, reject) => {
    const stream = comm.Receive(
      { receiver_rank: 0, source_rank: 0, tag, comm_type: "tensor" },
      { deadline: Date.now() + TIMEOUT_MS * 3 },
    );
    let received = 0;
    let t0 = 0;
    let settled = false;
    const finish = (err: Error | null, ms?: number): void => {
      if (settled) return;
      settled = true;
      stream.cancel();
      if (err) reject(err);
      else resolve(ms ?? 0);
    };
    stream.on("data", (_m: ReceiveResponse) => {
      received++;
      if (received === messages) finish(null, now() - t0);
    });
    stream.on("error", (err: Error) => {
      finish(
        new GrpcCallError(
          `DistributedComm.Receive on ${server} failed: ${err.message}`,
          server,
          "DistributedComm.Receive",
          { cause: err },
        ),
      );
    });
    t0 = now();
    Promise.all(
      Array.from({ length: messages }, () =>
        callGrpc(
          comm,
          server,
          "DistributedComm.Send",
          comm.Send,
          { source_rank: 0, dest_rank: 0, data, tag },
          TIMEOUT_MS,
        ),
      ),
    ).then(
      (responses) => {
        const refused = responses.find((r) => !r.success);
        if (refused)
          finish(
            new GrpcCallError(
              `DistributedComm.Send refused: ${refused.message}`,
              server,
              "DistributedComm.Send",
            ),
          );
      },
      (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
    );
  });
}

/** Sends one large tensor with the long timeout; a refusal (`success: false`) is an error too. */
async function sendTensorOrThrow(
  tensors: TensorServiceClient,
  server: string,
  tensor: ReturnType<typeof encodeServiceTensor>,
  /** Appended to "SendTensor refused" to say what was refused, e.g. " 1 MiB"; "" for nothing. */
  what: string,
): Promise<void> {
  const res = await callGrpc(
    tensors,
    server,
    "TensorService.SendTensor",
    tensors.SendTensor,
    { tensor },
    TIMEOUT_MS * 3,
  );
  if (!res.success)
    throw new GrpcCallError(
      `SendTensor refused${what}: ${res.message}`,
      server,
      "TensorService.SendTensor",
    );
}

async function measureGzip(
  tensors: TensorServiceClient,
  opts: CommunicationOptions,
  now: () => number,
  errors: string[],
): Promise<GzipFigures | null> {
  const bytes = opts.quick ? 1024 * 1024 : 4 * 1024 * 1024;
  const tensor = makeActivationTensor(bytes, 5);
  const reps = Math.max(2, Math.min(opts.iterations, 10));
  const plainSendMs: number[] = [];
  const gzipSendMs: number[] = [];
  let compressedBytes = 0;
  try {
    for (let i = 0; i < reps; i++) {
      for (const compression of ["none", "gzip"] as const) {
        // Encoding is part of the cost: gzip spends CPU to save bytes on the wire.
        const t0 = now();
        const msg = encodeServiceTensor(tensor, {
          tensorId: `mlxbench-gzip-${compression}`,
          compression,
        });
        await sendTensorOrThrow(tensors, opts.server, msg, "");
        (compression === "gzip" ? gzipSendMs : plainSendMs).push(now() - t0);
        if (compression === "gzip") compressedBytes = msg.data.byteLength;
      }
    }
  } catch (err) {
    errors.push(`gzip on/off: ${describeError(err)}`);
    return null;
  }
  return {
    bytes,
    plainSendMs,
    gzipSendMs,
    compressedBytes,
    ratio: bytes / Math.max(1, compressedBytes),
  };
}
