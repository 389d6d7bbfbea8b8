import type { MetricResult } from "@mlxbench/proto";
import { formatBytes, makeMetric } from "../metric.js";
import type { GzipFigures, RoundTripFigures, TransferPoint } from "../results/index.js";

/** The server's unary and raw TCP round trips and the overhead between them. */
export function roundTripMetrics(primary: RoundTripFigures): MetricResult[] {
  return [
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
  ];
}

export function channelEstablishmentMetric(samples: number[]): MetricResult {
  return makeMetric({
    key: "communication.channel_establishment_ms",
    component: "communication",
    label: "gRPC channel establishment",
    unit: "ms",
    direction: "lower_is_better",
    samples,
  });
}

export function transferMetric(point: TransferPoint): MetricResult {
  return makeMetric({
    key: `communication.transfer_${formatBytes(point.bytes)}_mib_per_s`,
    component: "communication",
    label: `Tensor transfer ${formatBytes(point.bytes)}`,
    unit: "MiB/s",
    direction: "higher_is_better",
    samples: point.mibPerS,
  });
}

export function gzipMetrics(gzip: GzipFigures): MetricResult[] {
  return [
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
  ];
}
