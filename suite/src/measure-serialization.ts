import { computeMedian } from "@mlxbench/verdict/stats";
import type { DType, MetricResult } from "@mlxbench/proto";
import {
  DTYPES,
  WIRE_ELEMENT_BYTES,
  decodeCommData,
  decodeTensor,
  encodeCommData,
  encodeTensor,
} from "@mlxbench/proto";
import type { SuiteDeps } from "./deps.js";
import { finiteOrNull, formatBytes, makeMetric } from "./metric.js";
import { makeActivationTensor, makeTensor, tensorsIdentical } from "./tensor-fixtures.js";

export interface SerializationCase {
  dtype: DType;
  wireBytes: number;
  shape: number[];
  encodeMs: number[];
  decodeMs: number[];
  /** Decoded tensor equals the original bit for bit (NaN, ±Infinity, -0 included). */
  roundTripExact: boolean;
  encodeMbPerS: number | null;
  decodeMbPerS: number | null;
}

export interface GzipCase {
  wireBytes: number;
  /** Original bytes / compressed bytes of bfloat16-like activations. */
  ratio: number;
  gzipEncodeMs: number[];
  plainEncodeMs: number[];
  gzipDecodeMs: number[];
  roundTripExact: boolean;
}

export interface SerializationResult {
  iterations: number;
  cases: SerializationCase[];
  gzip: GzipCase[];
  metrics: MetricResult[];
  failures: string[];
}

function mbPerS(bytes: number, ms: number | null): number | null {
  return ms === null || ms <= 0 ? null : bytes / (1024 * 1024) / (ms / 1000);
}

/**
 * Encodes and decodes every dtype of the codec at each size (mlx_distributed.Tensor messages),
 * checks the round trip is exact, and measures what gzip saves and costs on activation-like data.
 */
export async function measureSerialization(
  opts: { iterations: number; sizes: readonly number[]; dtypes?: readonly DType[] },
  deps: SuiteDeps,
): Promise<SerializationResult> {
  const { clock, progress } = deps;
  const dtypes = opts.dtypes ?? DTYPES;
  const cases: SerializationCase[] = [];
  const failures: string[] = [];
  const metrics: MetricResult[] = [];
  progress.phase("tensor serialization", dtypes.length * opts.sizes.length + opts.sizes.length);
  for (const size of opts.sizes) {
    for (const dtype of dtypes) {
      const t = makeTensor(dtype, size);
      const encodeMs: number[] = [];
      const decodeMs: number[] = [];
      let exact = true;
      for (let i = 0; i < opts.iterations; i++) {
        const t0 = clock.monotonicMs();
        const msg = encodeTensor(t);
        const t1 = clock.monotonicMs();
        const back = decodeTensor(msg);
        const t2 = clock.monotonicMs();
        encodeMs.push(t1 - t0);
        decodeMs.push(t2 - t1);
        if (i === 0) exact = tensorsIdentical(t, back);
      }
      if (!exact) failures.push(`${dtype} ${formatBytes(size)}: round trip changed the tensor`);
      const wireBytes = t.values.length * WIRE_ELEMENT_BYTES[dtype];
      cases.push({
        dtype,
        wireBytes,
        shape: t.shape,
        encodeMs,
        decodeMs,
        roundTripExact: exact,
        encodeMbPerS: mbPerS(wireBytes, finiteOrNull(computeMedian(encodeMs))),
        decodeMbPerS: mbPerS(wireBytes, finiteOrNull(computeMedian(decodeMs))),
      });
      const base = `serialization.${dtype}_${formatBytes(size)}`;
      metrics.push(
        makeMetric({
          key: `${base}_encode_ms`,
          component: "comprehensive",
          label: `Encode ${dtype} ${formatBytes(size)}`,
          unit: "ms",
          direction: "lower_is_better",
          samples: encodeMs,
        }),
        makeMetric({
          key: `${base}_decode_ms`,
          component: "comprehensive",
          label: `Decode ${dtype} ${formatBytes(size)}`,
          unit: "ms",
          direction: "lower_is_better",
          samples: decodeMs,
        }),
      );
      progress.advance(1, `${dtype} ${formatBytes(size)}`);
      await yieldToLoop();
    }
  }

  const gzip: GzipCase[] = [];
  for (const size of opts.sizes) {
    const t = makeActivationTensor(size);
    const gzipEncodeMs: number[] = [];
    const plainEncodeMs: number[] = [];
    const gzipDecodeMs: number[] = [];
    let ratio = 1;
    let exact = true;
    // gzip is slow on large tensors: fewer repetitions keep quick mode quick.
    const reps = Math.max(1, Math.min(opts.iterations, Math.ceil((16 * 1024 * 1024) / size)));
    for (let i = 0; i < reps; i++) {
      const t0 = clock.monotonicMs();
      const plain = encodeCommData(t, { gzipAboveBytes: Number.MAX_SAFE_INTEGER });
      const t1 = clock.monotonicMs();
      const zipped = encodeCommData(t, { gzipAboveBytes: 0 });
      const t2 = clock.monotonicMs();
      const back = decodeCommData(zipped);
      const t3 = clock.monotonicMs();
      plainEncodeMs.push(t1 - t0);
      gzipEncodeMs.push(t2 - t1);
      gzipDecodeMs.push(t3 - t2);
      if (i === 0) {
        ratio =
          (plain.tensor_data?.data.byteLength ?? 0) /
          Math.max(1, zipped.tensor_data?.data.byteLength ?? 1);
        exact = tensorsIdentical(t, back);
      }
    }
    if (!exact) failures.push(`gzip ${formatBytes(size)}: round trip changed the tensor`);
    gzip.push({
      wireBytes: size,
      ratio,
      gzipEncodeMs,
      plainEncodeMs,
      gzipDecodeMs,
      roundTripExact: exact,
    });
    const base = `serialization.gzip_${formatBytes(size)}`;
    metrics.push(
      makeMetric({
        key: `${base}_encode_ms`,
        component: "comprehensive",
        label: `Gzip encode ${formatBytes(size)} activations`,
        unit: "ms",
        direction: "lower_is_better",
        samples: gzipEncodeMs,
      }),
      makeMetric({
        key: `${base}_ratio`,
        component: "comprehensive",
        label: `Gzip ratio ${formatBytes(size)} activations`,
        unit: "x",
        direction: "higher_is_better",
        samples: [ratio],
      }),
    );
    progress.advance(1, `gzip ${formatBytes(size)}`);
    await yieldToLoop();
  }
  return { iterations: opts.iterations, cases, gzip, metrics, failures };
}

/** Lets timers and sockets run between CPU-bound cases (progress output, gRPC keepalives). */
function yieldToLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
