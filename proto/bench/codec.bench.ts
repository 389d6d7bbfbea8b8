// Throughput of the tensor codec against Buffer.copy of the same bytes, measured in the same run.
// Run: npm run bench:codec. Prints a table, then one RESULT line (16 MiB float32 ratios).
import { performance } from "node:perf_hooks";
import {
  decodeCommData,
  decodeTensor,
  encodeCommData,
  encodeTensor,
  getDistributedInferenceService,
  type HostTensor,
  type Tensor,
} from "../src/index.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [KiB, 64 * KiB, MiB, 16 * MiB, 64 * MiB];
const BATCHES = 11;
const MIN_BATCH_MS = 4;
// Steady state, as in a long-running server: the first large allocations of a process pay page
// faults until the allocator keeps the memory (glibc raises its mmap threshold up to 32 MiB).
const WARMUP_MS = 150;
const WARMUP_CALLS = 20;

let sink = 0; // results feed this so no work can be optimised away

/** Median seconds per call of `op`, from BATCHES timed batches of a calibrated call count. */
function measureSecondsPerCall(op: () => void): number {
  const warmupStart = performance.now();
  for (let i = 0; i < WARMUP_CALLS && performance.now() - warmupStart < WARMUP_MS; i++) op();
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) op();
    if (performance.now() - start >= MIN_BATCH_MS) break;
    calls *= 2;
  }
  const perCall: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) op();
    perCall.push((performance.now() - start) / 1000 / calls);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)] ?? Number.NaN;
}

function formatSize(bytes: number): string {
  return bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`;
}

interface Row {
  size: string;
  op: string;
  mbPerS: number;
  ratio: number;
}
const rows: Row[] = [];
const ratios = new Map<string, number>();

function report(bytes: number, op: string, seconds: number, memcpySeconds: number): void {
  const row = {
    size: formatSize(bytes),
    op,
    mbPerS: bytes / MiB / seconds,
    ratio: memcpySeconds / seconds,
  };
  rows.push(row);
  ratios.set(`${row.size} ${op}`, row.ratio);
}

/** A float32 tensor of `bytes` bytes with values that are not all alike. */
function makeTensor(bytes: number): HostTensor {
  const values = new Float32Array(bytes / 4);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i) * 1000;
  return { dtype: "float32", shape: [values.length], values };
}

/** The same bytes at an odd offset, as a received Buffer often is. */
function unalignedCopy(data: Buffer): Buffer {
  const backing = Buffer.allocUnsafeSlow(data.byteLength + 1);
  const out = backing.subarray(1);
  data.copy(out);
  return out;
}

for (const bytes of SIZES) {
  const src = Buffer.alloc(bytes, 7);
  const dst = Buffer.alloc(bytes);
  const memcpy = measureSecondsPerCall(() => {
    sink += src.copy(dst);
  });
  report(bytes, "Buffer.copy (reference)", memcpy, memcpy);
  // What any decode that must own its bytes pays: a fresh allocation (page faults) plus the copy.
  report(
    bytes,
    "Buffer.allocUnsafe + copy (context)",
    measureSecondsPerCall(() => {
      const owned = Buffer.allocUnsafe(bytes);
      sink += src.copy(owned);
    }),
    memcpy,
  );

  const t = makeTensor(bytes);
  const encoded = encodeTensor(t);
  report(
    bytes,
    "encodeTensor float32",
    measureSecondsPerCall(() => {
      sink += encodeTensor(t).data.byteLength;
    }),
    memcpy,
  );

  const aligned: Tensor = { ...encoded, data: Buffer.from(encoded.data) };
  report(
    bytes,
    "decodeTensor float32 (aligned)",
    measureSecondsPerCall(() => {
      sink += decodeTensor(aligned).values.length;
    }),
    memcpy,
  );

  const unaligned: Tensor = { ...encoded, data: unalignedCopy(encoded.data) };
  report(
    bytes,
    "decodeTensor float32 (unaligned: copies)",
    measureSecondsPerCall(() => {
      sink += decodeTensor(unaligned).values.length;
    }),
    memcpy,
  );

  if (bytes === 16 * MiB) {
    // Context rows: conversions, gzip and the protobuf layer the codec sits under.
    const half: HostTensor = { ...t, dtype: "float16" };
    const halfMsg = encodeTensor(half);
    report(
      bytes,
      "encodeTensor float16 (converts)",
      measureSecondsPerCall(() => {
        sink += encodeTensor(half).data.byteLength;
      }),
      memcpy,
    );
    report(
      bytes,
      "decodeTensor float16 (converts)",
      measureSecondsPerCall(() => {
        sink += decodeTensor(halfMsg).values.length;
      }),
      memcpy,
    );
    const brain: HostTensor = { ...t, dtype: "bfloat16" };
    const brainMsg = encodeTensor(brain);
    report(
      bytes,
      "encodeTensor bfloat16 (rounds)",
      measureSecondsPerCall(() => {
        sink += encodeTensor(brain).data.byteLength;
      }),
      memcpy,
    );
    report(
      bytes,
      "decodeTensor bfloat16 (checks, view)",
      measureSecondsPerCall(() => {
        sink += decodeTensor(brainMsg).values.length;
      }),
      memcpy,
    );
    report(
      bytes,
      "encodeCommData float32 (gzip level 1)",
      measureSecondsPerCall(() => {
        sink += encodeCommData(t).tensor_data?.data.byteLength ?? 0;
      }),
      memcpy,
    );
    const zipped = encodeCommData(t);
    report(
      bytes,
      "decodeCommData float32 (gunzip)",
      measureSecondsPerCall(() => {
        sink += decodeCommData(zipped).values.length;
      }),
      memcpy,
    );
    const forward = getDistributedInferenceService()["Forward"];
    if (forward) {
      const wire = forward.requestSerialize({ input_tensor: encoded });
      report(
        bytes,
        "encodeTensor + protobuf serialize",
        measureSecondsPerCall(() => {
          sink += forward.requestSerialize({ input_tensor: encodeTensor(t) }).byteLength;
        }),
        memcpy,
      );
      report(
        bytes,
        "protobuf deserialize + decodeTensor",
        measureSecondsPerCall(() => {
          const req = forward.requestDeserialize(wire) as { input_tensor: Tensor };
          sink += decodeTensor(req.input_tensor).values.length;
        }),
        memcpy,
      );
    }
  }
}

const opWidth = Math.max(...rows.map((r) => r.op.length));
console.log(
  `${"size".padEnd(8)}  ${"operation".padEnd(opWidth)}  ${"MB/s (median)".padStart(14)}  ${"vs memcpy".padStart(10)}`,
);
for (const r of rows) {
  console.log(
    `${r.size.padEnd(8)}  ${r.op.padEnd(opWidth)}  ${r.mbPerS.toFixed(0).padStart(14)}  ${r.ratio.toFixed(2).padStart(10)}`,
  );
}
console.log(
  "Aligned float32 decode and float32 encode are views over the same memory (no copy), so their cost does not grow with size.",
);
if (sink === -1) console.log("unreachable");
const decodeRatio = ratios.get("16 MiB decodeTensor float32 (aligned)") ?? Number.NaN;
const encodeRatio = ratios.get("16 MiB encodeTensor float32") ?? Number.NaN;
console.log(
  `RESULT codec_decode_vs_memcpy=${decodeRatio.toFixed(2)} codec_encode_vs_memcpy=${encodeRatio.toFixed(2)}`,
);
