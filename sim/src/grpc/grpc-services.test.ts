import * as grpc from "@grpc/grpc-js";
import {
  callUnary,
  createDistributedCommClient,
  createDistributedInferenceClient,
  createTensorServiceClient,
  decodeCommData,
  decodeServiceTensor,
  decodeTensor,
  encodeCommData,
  encodeServiceTensor,
  encodeTensor,
  type DistributedCommClient,
  type DistributedInferenceClient,
  type HostTensor,
  type ReceiveResponse,
  type TensorServiceClient,
} from "@mlxbench/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containing, matching, arrayContaining } from "../http/test-support.js";
import { startReferenceCluster, type ReferenceCluster } from "../start-reference-cluster.js";

function f32(shape: number[], values: number[]): HostTensor {
  return { dtype: "float32", shape, values: Float32Array.from(values) };
}

/** Elements of any dtype, for comparing with plain arrays. */
function valuesOf(t: HostTensor): unknown[] {
  return Array.from(t.values as Iterable<unknown>);
}

function commTensor(t: HostTensor): { data: Buffer; shape: number[]; dtype: string } {
  const m = encodeTensor(t);
  return { data: m.data, shape: m.shape, dtype: m.dtype };
}

describe("reference cluster gRPC services, through our typed clients", () => {
  let cluster: ReferenceCluster;
  let inference: DistributedInferenceClient[];
  let tensors: TensorServiceClient[];
  let comm: DistributedCommClient[];

  beforeAll(async () => {
    cluster = await startReferenceCluster({ devices: 3, seed: 9 });
    inference = cluster.devices.map((d) => createDistributedInferenceClient(d.grpcAddress));
    tensors = cluster.devices.map((d) => createTensorServiceClient(d.grpcAddress));
    comm = cluster.devices.map((d) => createDistributedCommClient(d.grpcAddress));
  });
  afterAll(async () => {
    for (const c of [...inference, ...tensors, ...comm]) c.close();
    await cluster.stop();
  });

  const at = <T>(list: T[], rank: number): T => {
    const item = list[rank];
    if (!item) throw new Error(`no client for rank ${rank}`);
    return item;
  };

  describe("DistributedInference", () => {
    it("HealthCheck reports health, with stats when asked", async () => {
      const c = at(inference, 1);
      const plain = await callUnary(c, c.HealthCheck, {});
      expect(plain).toMatchObject({ healthy: true, status: "healthy", stats: {} });
      const withStats = await callUnary(c, c.HealthCheck, { include_stats: true });
      expect(withStats.stats).toMatchObject({ device_id: "mini2", rank: "1", layers: "11-21" });
      expect(withStats.requests_processed).toBeGreaterThan(plain.requests_processed);
    });

    it("GetCapabilities describes an Apple Silicon device", async () => {
      const c = at(inference, 2);
      const caps = await callUnary(c, c.GetCapabilities, {});
      expect(caps.capabilities).toMatchObject({
        device_id: "master",
        device_model: containing("Mac"),
        memory_bytes: 64 * 1024 ** 3,
        gpu_cores: 20,
        cpu_cores: 14,
      });
      expect(caps.capabilities?.bandwidth_gbps).toBeCloseTo(273);
      expect(caps.capabilities?.extra.chip).toMatch(/Apple M/);
      expect(caps.supported_dtypes).toEqual(
        arrayContaining(["float32", "float16", "bfloat16", "int64"]),
      );
      expect(caps.supported_models).toHaveLength(1);
    });

    it("Forward returns a tensor of the input's shape after a modelled delay", async () => {
      const c = at(inference, 0);
      const input = f32(
        [1, 4, 8],
        Array.from({ length: 32 }, (_, i) => i - 16.5),
      );
      const res = await callUnary(c, c.Forward, {
        request_id: "r1",
        input_tensor: encodeTensor(input),
      });
      expect(res.request_id).toBe("r1");
      const out = decodeTensor(
        res.output_tensor ?? { shape: [], dtype: "", data: Buffer.alloc(0) },
      );
      expect(out.shape).toEqual([1, 4, 8]);
      expect(out.dtype).toBe("float32");
      expect(valuesOf(out)).toEqual(valuesOf(input));
      expect(Number(res.metadata.inference_time_ms_exact)).toBeGreaterThan(0);
      expect(res.metadata.device_id).toBe("mini1");
    });

    it("Forward keeps bfloat16 tensors bfloat16 across the wire", async () => {
      const c = at(inference, 1);
      const input: HostTensor = {
        dtype: "bfloat16",
        shape: [2, 2],
        values: Float32Array.from([1, -2, 0.5, 4]),
      };
      const res = await callUnary(c, c.Forward, { input_tensor: encodeTensor(input) });
      expect(res.output_tensor?.dtype).toBe("float32");
      expect(
        decodeTensor(res.output_tensor ?? { shape: [], dtype: "", data: Buffer.alloc(0) }).dtype,
      ).toBe("bfloat16");
    });

    it.each([
      [
        "data shorter than shape × dtype",
        { shape: [2, 3], dtype: "float32", data: Buffer.alloc(20) },
        /.+/,
      ],
      [
        "an unknown dtype",
        { shape: [2], dtype: "complex64", data: Buffer.alloc(16) },
        /unknown dtype/,
      ],
    ])(
      "Forward rejects a malformed tensor (%s) with INVALID_ARGUMENT",
      async (_name, tensor, message) => {
        const c = at(inference, 0);
        const error = (await callUnary(c, c.Forward, { input_tensor: tensor }).catch(
          (e: unknown) => e,
        )) as grpc.ServiceError;
        expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
        expect(error.details).toMatch(message);
        // and the device is still serving
        expect((await callUnary(c, c.HealthCheck, {})).healthy).toBe(true);
      },
    );

    it("Forward without an input tensor is INVALID_ARGUMENT", async () => {
      const c = at(inference, 0);
      await expect(callUnary(c, c.Forward, { request_id: "x" })).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: matching(/input_tensor is missing/),
      });
    });

    it("InitializeShard loads the device's layers and validates the range", async () => {
      const c = at(inference, 1);
      const res = await callUnary(c, c.InitializeShard, {
        model_name: "m",
        shard_info: { device_id: "mini2", start_layer: 11, end_layer: 22 },
      });
      expect(res).toMatchObject({ success: true, message: containing("11-21") });
      expect(res.model_size_bytes).toBeGreaterThan(0);
      await expect(
        callUnary(c, c.InitializeShard, { shard_info: { start_layer: 30, end_layer: 40 } }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    });
  });

  describe("TensorService", () => {
    it("SendTensor stores and GetTensor returns it as sent", async () => {
      const c = at(tensors, 1);
      const msg = encodeServiceTensor(f32([3], [1, Number.NaN, -0]), {
        tensorId: "t-a",
        deviceSource: "mini1",
      });
      expect((await callUnary(c, c.SendTensor, { tensor: msg })).success).toBe(true);
      const got = await callUnary(c, c.GetTensor, { tensor_id: "t-a" });
      expect(got.success).toBe(true);
      expect(got.tensor?.device_source).toBe("mini1");
      const values = decodeServiceTensor(got.tensor ?? msg).values as Float32Array;
      expect(Number.isNaN(values[1])).toBe(true);
      expect(Object.is(values[2], -0)).toBe(true);
    });

    it("GetTensor waits up to its timeout for a tensor not there yet", async () => {
      const c = at(tensors, 2);
      const waiting = callUnary(c, c.GetTensor, { tensor_id: "later", timeout: 5 });
      await new Promise((r) => setTimeout(r, 30));
      await callUnary(c, c.SendTensor, {
        tensor: encodeServiceTensor(f32([1], [7]), { tensorId: "later" }),
      });
      const got = await waiting;
      expect(got.success).toBe(true);
      expect(
        valuesOf(
          decodeServiceTensor(
            got.tensor ?? {
              tensor_id: "",
              shape: [],
              dtype: "",
              data: Buffer.alloc(0),
              compression: "",
              device_source: "",
              device_target: "",
              timestamp: 0,
            },
          ),
        ),
      ).toEqual([7]);
    });

    it("GetTensor of a tensor that never comes answers success false after the timeout", async () => {
      const c = at(tensors, 2);
      const got = await callUnary(c, c.GetTensor, { tensor_id: "never", timeout: 0.05 });
      expect(got).toMatchObject({ success: false, message: containing("never") });
    });

    it("SendTensor rejects a malformed tensor with INVALID_ARGUMENT and stores nothing", async () => {
      const c = at(tensors, 0);
      await expect(
        callUnary(c, c.SendTensor, {
          tensor: { tensor_id: "bad", shape: [4], dtype: "float32", data: Buffer.alloc(3) },
        }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      expect((await callUnary(c, c.GetTensor, { tensor_id: "bad" })).success).toBe(false);
      await expect(
        callUnary(c, c.GetTensor, { tensor_id: "x", timeout: -1 }),
      ).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
    });

    it("HealthCheck names the device", async () => {
      const c = at(tensors, 2);
      const res = await callUnary(c, c.HealthCheck, { device_id: "probe" });
      expect(res).toMatchObject({ healthy: true, device_id: "master" });
      expect(res.timestamp * 1000).toBeGreaterThan(Date.UTC(2024, 0, 1));
    });

    it("ForwardPass returns the input's shape for the asked layers", async () => {
      const c = at(tensors, 0);
      const input = encodeServiceTensor(f32([1, 2, 4], [1, 2, 3, 4, 5, 6, 7, 8]), {
        tensorId: "act",
      });
      const res = await callUnary(c, c.ForwardPass, {
        input_tensor: input,
        layer_start: 0,
        layer_end: 11,
        pass_id: "p1",
      });
      expect(res.success).toBe(true);
      expect(res.output_tensor).toMatchObject({
        tensor_id: "p1",
        shape: [1, 2, 4],
        device_source: "mini1",
        device_target: "mini2",
      });
      await expect(
        callUnary(c, c.ForwardPass, { input_tensor: input, layer_start: 5, layer_end: 99 }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    });

    it("GetClusterStatus lists every device at its address with its layers", async () => {
      const c = at(tensors, 1);
      const res = await callUnary(c, c.GetClusterStatus, { requesting_device: "mini2" });
      expect(res.coordinator).toBe("mini1");
      expect(res.devices.map((d) => `${d.hostname}:${d.port}`)).toEqual(
        cluster.devices.map((d) => d.grpcAddress),
      );
      expect(res.devices.map((d) => d.layers.length)).toEqual([11, 11, 10]);
      expect(res.devices.map((d) => d.role)).toEqual(["coordinator", "worker", "worker"]);
    });
  });

  describe("DistributedComm", () => {
    it("Send queues by (source, dest, tag) and Receive streams what was sent", async () => {
      const sender = at(comm, 0);
      const receiver = at(comm, 1);
      const t = f32([2], [1.5, -2.5]);
      await callUnary(sender, sender.Send, {
        source_rank: 0,
        dest_rank: 1,
        tag: "kv",
        data: encodeCommData(t),
      });
      await callUnary(sender, sender.Send, {
        source_rank: 0,
        dest_rank: 1,
        tag: "other",
        data: encodeCommData(f32([1], [9])),
      });
      const stream = receiver.Receive({ receiver_rank: 1, source_rank: 0, tag: "kv" });
      const got: ReceiveResponse[] = [];
      const done = new Promise<void>((resolve) => {
        stream.on("data", (m: ReceiveResponse) => {
          got.push(m);
          if (got.length === 2) resolve();
        });
      });
      stream.on("error", () => undefined); // the cancel below ends it with CANCELLED
      await callUnary(sender, sender.Send, {
        source_rank: 0,
        dest_rank: 1,
        tag: "kv",
        data: encodeCommData(f32([1], [3])),
      });
      await done;
      stream.cancel();
      expect(got.map((m) => [m.source_rank, m.tag])).toEqual([
        [0, "kv"],
        [0, "kv"],
      ]);
      expect(valuesOf(decodeCommData(got[0]?.data ?? encodeCommData(t)))).toEqual([1.5, -2.5]);
      expect(valuesOf(decodeCommData(got[1]?.data ?? encodeCommData(t)))).toEqual([3]);
    });

    it("Send rejects a malformed tensor and an unknown rank", async () => {
      const c = at(comm, 0);
      await expect(
        callUnary(c, c.Send, {
          source_rank: 0,
          dest_rank: 1,
          data: {
            tensor_data: { data: Buffer.alloc(5), shape: [2], dtype: "float32" },
            metadata: {},
          },
        }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      await expect(
        callUnary(c, c.Send, { source_rank: 0, dest_rank: 7, data: encodeCommData(f32([1], [1])) }),
      ).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
        details: matching(/dest_rank 7/),
      });
    });

    it.each([
      ["sum", [6, 60]],
      ["mean", [2, 20]],
      ["max", [3, 30]],
      ["min", [1, 10]],
    ])(
      "AllReduce %s: every rank calls on its own device and all get the reduction",
      async (operation, expected) => {
        const results = await Promise.all(
          [0, 1, 2].map((rank) => {
            const c = at(comm, rank);
            return callUnary(c, c.AllReduce, {
              rank,
              operation,
              tensor: commTensor(f32([2], [rank + 1, (rank + 1) * 10])),
            });
          }),
        );
        for (const r of results) {
          expect(r.success).toBe(true);
          expect(valuesOf(decodeTensor(r.result ?? commTensor(f32([0], []))))).toEqual(expected);
        }
      },
    );

    it("AllReduce of int64 is exact beyond 2^53", async () => {
      const big = 2n ** 60n;
      const results = await Promise.all(
        [0, 1, 2].map((rank) => {
          const c = at(comm, rank);
          const t: HostTensor = {
            dtype: "int64",
            shape: [1],
            values: BigInt64Array.from([big + BigInt(rank)]),
          };
          return callUnary(c, c.AllReduce, { rank, operation: "max", tensor: commTensor(t) });
        }),
      );
      expect(valuesOf(decodeTensor(results[0]?.result ?? commTensor(f32([0], []))))).toEqual([
        big + 2n,
      ]);
    });

    it("AllReduce rejects an unknown operation and a malformed tensor", async () => {
      const c = at(comm, 0);
      await expect(
        callUnary(c, c.AllReduce, {
          rank: 0,
          operation: "product",
          tensor: commTensor(f32([1], [1])),
        }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: matching(/product/) });
      await expect(
        callUnary(c, c.AllReduce, {
          rank: 0,
          operation: "sum",
          tensor: { data: Buffer.alloc(3), shape: [1], dtype: "float32" },
        }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    });

    it("AllReduce with mismatched shapes fails every rank with INVALID_ARGUMENT", async () => {
      const outcomes = await Promise.allSettled(
        [0, 1, 2].map((rank) => {
          const c = at(comm, rank);
          const shape = rank === 2 ? [3] : [2];
          return callUnary(c, c.AllReduce, {
            rank,
            operation: "sum",
            tensor: commTensor(
              f32(shape, shape.length ? new Array<number>(shape[0] ?? 0).fill(1) : []),
            ),
          });
        }),
      );
      for (const o of outcomes) {
        expect(o.status).toBe("rejected");
        expect((o as PromiseRejectedResult).reason).toMatchObject({
          code: grpc.status.INVALID_ARGUMENT,
        });
      }
    });

    it("Barrier releases every rank once all arrived, with the participant count", async () => {
      const results = await Promise.all(
        [2, 0, 1].map((rank) => {
          const c = at(comm, rank);
          return callUnary(c, c.Barrier, { rank, barrier_id: "step-1" });
        }),
      );
      expect(results).toEqual([0, 1, 2].map(() => ({ success: true, participants: 3 })));
    });

    it("Barrier waits while a rank is missing", async () => {
      const c = at(comm, 0);
      await expect(
        callUnary(c, c.Barrier, { rank: 0, barrier_id: "lonely" }, { timeoutMs: 100 }),
      ).rejects.toMatchObject({
        code: grpc.status.DEADLINE_EXCEEDED,
      });
    });

    it("Broadcast hands the root's data to every other rank", async () => {
      const data = encodeCommData(f32([2], [4, 2]));
      const results = await Promise.all(
        [1, 2, 0].map((sender) => {
          const c = at(comm, sender);
          return callUnary(c, c.Broadcast, {
            root_rank: 0,
            sender_rank: sender,
            data: sender === 0 ? data : null,
          });
        }),
      );
      for (const r of results) {
        expect(r.success).toBe(true);
        expect(valuesOf(decodeCommData(r.data ?? data))).toEqual([4, 2]);
      }
    });

    it("collectives fail fast with UNAVAILABLE while a rank is down", async () => {
      cluster.faults.deviceDown = 1;
      try {
        const c = at(comm, 0);
        await expect(
          callUnary(c, c.AllReduce, {
            rank: 0,
            operation: "sum",
            tensor: commTensor(f32([1], [1])),
          }),
        ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE, details: matching(/mini2/) });
        await expect(callUnary(c, c.Barrier, { rank: 0, barrier_id: "b" })).rejects.toMatchObject({
          code: grpc.status.UNAVAILABLE,
        });
        const down = at(comm, 1);
        await expect(
          callUnary(down, down.Send, {
            source_rank: 1,
            dest_rank: 0,
            data: encodeCommData(f32([1], [1])),
          }),
        ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      } finally {
        cluster.faults.deviceDown = null;
      }
    });

    it("grpcDelayMs holds every unary call that long before it answers", async () => {
      const c = at(tensors, 0);
      cluster.faults.grpcDelayMs = 60;
      try {
        const t0 = performance.now();
        const res = await callUnary(c, c.HealthCheck, { device_id: "probe" });
        // A timer never fires early: the lower bound holds however loaded the machine is.
        expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
        expect(res.healthy).toBe(true);
      } finally {
        cluster.faults.grpcDelayMs = 0;
      }
    });
  });

  it("Shutdown answers, then the device is down for everything else", async () => {
    const small = await startReferenceCluster({ devices: 2 });
    const c = createDistributedInferenceClient(small.devices[1]?.grpcAddress ?? "");
    try {
      const res = await callUnary(c, c.Shutdown, { grace_period_seconds: 0 });
      expect(res.success).toBe(true);
      await new Promise((r) => setTimeout(r, 20));
      await expect(callUnary(c, c.HealthCheck, {})).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
      });
      const status = (await (await fetch(`${small.apiUrl}/distributed/status`)).json()) as {
        devices: { status: string }[];
      };
      expect(status.devices.map((d) => d.status)).toEqual(["healthy", "unreachable"]);
    } finally {
      c.close();
      await small.stop();
    }
  });
});
