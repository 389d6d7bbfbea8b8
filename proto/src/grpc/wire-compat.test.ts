// Proves our .proto files carry the contract's field numbers and wire types
// (shared/docs/cluster-contract.md): messages built byte by byte here are decoded by the real
// proto-loader definitions, and what grpc serializes is taken apart field by field.
import { describe, expect, it } from "vitest";
import {
  decodeCommData,
  decodeServiceTensor,
  decodeTensor,
  encodeCommData,
  encodeServiceTensor,
  encodeTensor,
} from "../codec/index.js";
import { floatsFromBits, getRpcCodec } from "../codec/test-support.js";
import type * as m from "./messages.js";
import {
  getDistributedCommService,
  getDistributedInferenceService,
  getTensorServiceService,
} from "./services.js";

// ---- a tiny protobuf writer: tag = field_number << 3 | wire_type ----

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

function varint(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value); // negative int32/int64 are sent as 64-bit two's complement
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const tag = (field: number, wireType: number): Buffer => varint(BigInt((field << 3) | wireType));
const int = (field: number, value: number | bigint): Buffer =>
  Buffer.concat([tag(field, VARINT), varint(BigInt(value))]);
const bool = (field: number, value: boolean): Buffer => int(field, value ? 1 : 0);
const len = (field: number, payload: Uint8Array): Buffer =>
  Buffer.concat([tag(field, LEN), varint(BigInt(payload.length)), payload]);
const str = (field: number, s: string): Buffer => len(field, Buffer.from(s, "utf8"));
const msg = (...fields: Buffer[]): Buffer => Buffer.concat(fields);
const packed = (field: number, values: (number | bigint)[]): Buffer =>
  len(field, Buffer.concat(values.map((v) => varint(BigInt(v)))));
function double(field: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([tag(field, I64), b]);
}
function float(field: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return Buffer.concat([tag(field, I32), b]);
}
/** A map<string, V> entry: a nested message with key = 1 and value = 2. */
const mapEntry = (field: number, key: string, value: Buffer): Buffer =>
  len(field, msg(str(1, key), value));
const stringMap = (field: number, entries: Record<string, string>): Buffer =>
  msg(...Object.entries(entries).map(([k, v]) => mapEntry(field, k, str(2, v))));

// ---- a tiny protobuf reader, for the other direction ----

interface WireField {
  field: number;
  wireType: number;
  /** varint as bigint; I64/I32 and LEN as their bytes */
  value: bigint | Buffer;
}

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error("truncated varint");
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function parse(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    pos = afterKey;
    if (wireType === VARINT) {
      const [v, next] = readVarint(buf, pos);
      fields.push({ field, wireType, value: v });
      pos = next;
    } else if (wireType === LEN) {
      const [n, start] = readVarint(buf, pos);
      pos = start + Number(n);
      fields.push({ field, wireType, value: buf.subarray(start, pos) });
    } else if (wireType === I64 || wireType === I32) {
      const size = wireType === I64 ? 8 : 4;
      fields.push({ field, wireType, value: buf.subarray(pos, pos + size) });
      pos += size;
    } else {
      throw new Error(`unexpected wire type ${wireType}`);
    }
  }
  return fields;
}

/** [field, wireType] pairs in order, the shape of a message on the wire. */
const layout = (fields: WireField[]): [number, number][] =>
  fields.map((f) => [f.field, f.wireType]);

function only(fields: WireField[], field: number): WireField {
  const found = fields.filter((f) => f.field === field);
  if (found.length !== 1) throw new Error(`expected one field ${field}, found ${found.length}`);
  return found[0] as WireField;
}
function bytesOf(fields: WireField[], field: number): Buffer {
  const v = only(fields, field).value;
  if (!Buffer.isBuffer(v)) throw new Error(`field ${field} is not length-delimited`);
  return v;
}
function varintOf(fields: WireField[], field: number): bigint {
  const v = only(fields, field).value;
  if (typeof v !== "bigint") throw new Error(`field ${field} is not a varint`);
  return v;
}
function packedVarints(payload: Buffer): bigint[] {
  const out: bigint[] = [];
  for (let pos = 0; pos < payload.length;) {
    const [v, next] = readVarint(payload, pos);
    out.push(v);
    pos = next;
  }
  return out;
}
function stringMapOf(fields: WireField[], field: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fields.filter((f) => f.field === field)) {
    const inner = parse(entry.value as Buffer);
    expect(layout(inner)).toEqual([
      [1, LEN],
      [2, LEN],
    ]);
    out[bytesOf(inner, 1).toString("utf8")] = bytesOf(inner, 2).toString("utf8");
  }
  return out;
}

const inference = getDistributedInferenceService();
const comm = getDistributedCommService();
const tensorService = getTensorServiceService();

// -0, NaN with a payload, -Infinity, 1.5, smallest subnormal, 7
const FLOAT_BITS = [0x80000000, 0x7fc12345, 0xff800000, 0x3fc00000, 0x00000001, 0x40e00000];
const FLOAT_BYTES = Buffer.from(floatsFromBits(FLOAT_BITS).buffer);

describe("mlx_distributed: hand-built bytes decode with our protos", () => {
  const tensorBytes = msg(
    packed(1, [2, 3]),
    str(2, "float32"),
    len(3, FLOAT_BYTES),
    stringMap(4, { layer: "7", original_mlx_dtype: "none" }),
  );

  it("ForwardRequest: every field, Tensor inside, map<string, Tensor>, int64 dims beyond 2^32", () => {
    const bigDims = msg(packed(1, [0, 2n ** 40n]), str(2, "int64"));
    const bytes = msg(
      str(1, "req-7"),
      len(2, tensorBytes),
      mapEntry(3, "k0", len(2, bigDims)),
      stringMap(4, { a: "b", c: "d" }),
      bool(5, true),
    );
    const req = getRpcCodec(inference, "Forward").deserializeRequest(bytes) as m.ForwardRequest;
    expect(req.request_id).toBe("req-7");
    expect(req.input_tensor?.shape).toEqual([2, 3]);
    expect(req.input_tensor?.dtype).toBe("float32");
    expect(req.input_tensor?.metadata).toEqual({ layer: "7", original_mlx_dtype: "none" });
    expect(Buffer.compare(req.input_tensor?.data ?? Buffer.alloc(0), FLOAT_BYTES)).toBe(0);
    expect(req.cache["k0"]?.shape).toEqual([0, 2 ** 40]);
    expect(req.cache["k0"]?.dtype).toBe("int64");
    expect(req.metadata).toEqual({ a: "b", c: "d" });
    expect(req.return_cache).toBe(true);
    // and the codec reads the tensor bit for bit
    const t = decodeTensor(req.input_tensor as m.Tensor);
    expect(Array.from(new Uint32Array(t.values.buffer, t.values.byteOffset, 6))).toEqual(
      FLOAT_BITS,
    );
    expect(decodeTensor(req.cache["k0"] as m.Tensor).values.length).toBe(0);
  });

  it("accepts an unpacked repeated shape too (legal proto3 for any sender)", () => {
    const bytes = msg(len(2, msg(int(1, 2), int(1, 3), str(2, "float32"), len(3, FLOAT_BYTES))));
    const req = getRpcCodec(inference, "Forward").deserializeRequest(bytes) as m.ForwardRequest;
    expect(req.input_tensor?.shape).toEqual([2, 3]);
  });

  it("ForwardResponse: every field", () => {
    const bytes = msg(
      str(1, "req-7"),
      len(2, tensorBytes),
      mapEntry(3, "past", len(2, msg(packed(1, [1]), str(2, "uint8"), len(3, Buffer.from([9]))))),
      int(4, 1234567890123),
      stringMap(5, { device: "mini2" }),
    );
    const res = getRpcCodec(inference, "Forward").deserializeResponse(bytes) as m.ForwardResponse;
    expect(res.request_id).toBe("req-7");
    expect(res.output_tensor?.shape).toEqual([2, 3]);
    expect(Array.from(res.cache["past"]?.data ?? [])).toEqual([9]);
    expect(res.inference_time_ms).toBe(1234567890123);
    expect(res.metadata).toEqual({ device: "mini2" });
  });

  it("InitializeShardRequest with ShardInfo, and its response", () => {
    const shard = msg(
      str(1, "mini2"),
      int(2, 10),
      int(3, 21),
      str(4, "layers.10"),
      str(4, "layers.11"),
      int(5, 5_000_000_000),
      stringMap(6, { q: "4bit" }),
    );
    const bytes = msg(
      str(1, "mlx-community/Qwen3-1.7B-8bit"),
      str(2, "mlx"),
      len(3, shard),
      stringMap(4, { dtype: "bfloat16" }),
      bool(5, true),
      str(6, "/tmp/cache"),
    );
    const init = getRpcCodec(inference, "InitializeShard");
    expect(init.deserializeRequest(bytes)).toEqual({
      model_name: "mlx-community/Qwen3-1.7B-8bit",
      model_provider: "mlx",
      shard_info: {
        device_id: "mini2",
        start_layer: 10,
        end_layer: 21,
        layer_names: ["layers.10", "layers.11"],
        shard_size_bytes: 5_000_000_000,
        config: { q: "4bit" },
      },
      model_config: { dtype: "bfloat16" },
      load_from_cache: true,
      cache_path: "/tmp/cache",
    });
    expect(
      init.deserializeResponse(
        msg(bool(1, true), str(2, "ok"), int(3, 850), int(4, 3_400_000_000)),
      ),
    ).toEqual({
      success: true,
      message: "ok",
      load_time_ms: 850,
      model_size_bytes: 3_400_000_000,
    });
  });

  it("HealthCheck request and response: bool, string, int64, float (wire type 5), map", () => {
    const health = getRpcCodec(inference, "HealthCheck");
    expect(health.deserializeRequest(bool(1, true))).toEqual({ include_stats: true });
    const bytes = msg(
      bool(1, true),
      str(2, "serving"),
      int(3, 3600),
      float(4, 0.75),
      float(5, 0.5),
      int(6, 42),
      stringMap(7, { queue: "0" }),
    );
    expect(health.deserializeResponse(bytes)).toEqual({
      healthy: true,
      status: "serving",
      uptime_seconds: 3600,
      gpu_utilization: 0.75,
      memory_utilization: 0.5,
      requests_processed: 42,
      stats: { queue: "0" },
    });
  });

  it("GetCapabilitiesResponse with DeviceCapabilities and repeated strings", () => {
    const caps = msg(
      str(1, "mini1"),
      str(2, "Mac mini M4"),
      int(3, 17_179_869_184),
      int(4, 10),
      int(5, 10),
      float(6, 120),
      stringMap(7, { metal: "yes" }),
    );
    const bytes = msg(
      len(1, caps),
      str(2, "qwen"),
      str(2, "llama"),
      str(3, "float16"),
      str(3, "bfloat16"),
    );
    expect(getRpcCodec(inference, "GetCapabilities").deserializeResponse(bytes)).toEqual({
      capabilities: {
        device_id: "mini1",
        device_model: "Mac mini M4",
        memory_bytes: 17_179_869_184,
        gpu_cores: 10,
        cpu_cores: 10,
        bandwidth_gbps: 120,
        extra: { metal: "yes" },
      },
      supported_models: ["qwen", "llama"],
      supported_dtypes: ["float16", "bfloat16"],
    });
  });

  it("Shutdown request and response", () => {
    const shutdown = getRpcCodec(inference, "Shutdown");
    expect(shutdown.deserializeRequest(msg(bool(1, true), int(2, 30)))).toEqual({
      force: true,
      grace_period_seconds: 30,
    });
    expect(shutdown.deserializeResponse(msg(bool(1, true), str(2, "bye")))).toEqual({
      success: true,
      message: "bye",
    });
  });
});

describe("mlx_distributed.comm: hand-built bytes decode with our protos", () => {
  const send = getRpcCodec(comm, "Send");
  const commTensor = msg(len(1, FLOAT_BYTES), packed(2, [3, 2]), str(3, "float32"));

  it.each([
    ["pickle_data", len(1, Buffer.from([0x80, 0x04, 0x95])), [0x80, 0x04, 0x95]],
    ["numpy_data", len(3, Buffer.from([0x93, 0x4e])), [0x93, 0x4e]],
  ] as const)(
    "SendRequest with CommData.%s (negative int32 rank as a 10-byte varint)",
    (member, field, content) => {
      const commData = msg(field, str(4, "object"), stringMap(5, { compressed: "none" }));
      const bytes = msg(int(1, -1), int(2, 2), len(3, commData), str(4, "step-1"));
      expect(int(1, -1).length).toBe(11); // tag + 10 bytes
      const req = send.deserializeRequest(bytes) as m.SendRequest;
      expect(req.source_rank).toBe(-1);
      expect(req.dest_rank).toBe(2);
      expect(req.tag).toBe("step-1");
      expect(req.data?.data).toBe(member);
      expect(Array.from(req.data?.[member] ?? [])).toEqual(content);
      expect(req.data?.tensor_data).toBeUndefined();
      expect(req.data?.comm_type).toBe("object");
      expect(req.data?.metadata).toEqual({ compressed: "none" });
    },
  );

  it("SendRequest with CommData.tensor_data, decoded by the codec", () => {
    const commData = msg(
      len(2, commTensor),
      str(4, "tensor"),
      stringMap(5, { compressed: "none", original_size: "24" }),
    );
    const req = send.deserializeRequest(
      msg(int(1, 0), int(2, 1), len(3, commData)),
    ) as m.SendRequest;
    expect(req.data?.data).toBe("tensor_data");
    expect(req.data?.pickle_data).toBeUndefined();
    expect(req.data?.tensor_data?.shape).toEqual([3, 2]);
    expect(req.data?.tensor_data?.dtype).toBe("float32");
    expect(req.data?.metadata).toEqual({ compressed: "none", original_size: "24" });
    const t = decodeCommData(req.data as m.CommData);
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(new Uint32Array(t.values.buffer, t.values.byteOffset, 6))).toEqual(
      FLOAT_BITS,
    );
  });

  it("ReceiveRequest and ReceiveResponse", () => {
    const receive = getRpcCodec(comm, "Receive");
    expect(
      receive.deserializeRequest(msg(int(1, 1), int(2, 0), str(3, "t"), str(4, "tensor"))),
    ).toEqual({
      receiver_rank: 1,
      source_rank: 0,
      tag: "t",
      comm_type: "tensor",
    });
    const res = receive.deserializeResponse(
      msg(len(1, msg(len(2, commTensor))), int(2, 3), str(3, "t")),
    ) as m.ReceiveResponse;
    expect(res.source_rank).toBe(3);
    expect(res.tag).toBe("t");
    expect(res.data?.tensor_data?.shape).toEqual([3, 2]);
  });

  it("Broadcast, AllReduce and Barrier", () => {
    const broadcast = getRpcCodec(comm, "Broadcast");
    const breq = broadcast.deserializeRequest(
      msg(int(1, 0), int(2, 2), len(3, msg(len(2, commTensor)))),
    ) as m.BroadcastRequest;
    expect([breq.root_rank, breq.sender_rank, breq.data?.data]).toEqual([0, 2, "tensor_data"]);
    const bres = broadcast.deserializeResponse(
      msg(bool(1, true), len(2, msg(len(1, Buffer.from([1]))))),
    );
    expect(bres).toMatchObject({ success: true, data: { data: "pickle_data" } });

    const allReduce = getRpcCodec(comm, "AllReduce");
    const areq = allReduce.deserializeRequest(
      msg(int(1, 2), len(2, commTensor), str(3, "mean")),
    ) as m.AllReduceRequest;
    expect(areq.rank).toBe(2);
    expect(areq.operation).toBe("mean");
    expect(areq.tensor?.shape).toEqual([3, 2]);
    const ares = allReduce.deserializeResponse(
      msg(bool(1, true), len(2, commTensor)),
    ) as m.AllReduceResponse;
    expect(ares.success).toBe(true);
    expect(ares.result?.dtype).toBe("float32");

    const barrier = getRpcCodec(comm, "Barrier");
    expect(barrier.deserializeRequest(msg(int(1, 1), str(2, "epoch-3")))).toEqual({
      rank: 1,
      barrier_id: "epoch-3",
    });
    expect(barrier.deserializeResponse(msg(bool(1, true), int(2, 3)))).toEqual({
      success: true,
      participants: 3,
    });
  });
});

describe("tensor_service: hand-built bytes decode with our protos", () => {
  const tensorData = msg(
    str(1, "act-12"),
    packed(2, [2, 3]),
    str(3, "float32"),
    len(4, FLOAT_BYTES),
    str(5, "none"),
    str(6, "mini1"),
    str(7, "mini2"),
    double(8, 1700000000.125),
  );

  it("SendTensorRequest: all eight TensorData fields (packed int32 shape, double timestamp)", () => {
    const req = getRpcCodec(tensorService, "SendTensor").deserializeRequest(
      len(1, tensorData),
    ) as m.SendTensorRequest;
    expect(req.tensor).toMatchObject({
      tensor_id: "act-12",
      shape: [2, 3],
      dtype: "float32",
      compression: "none",
      device_source: "mini1",
      device_target: "mini2",
      timestamp: 1700000000.125,
    });
    const t = decodeServiceTensor(req.tensor as m.ServiceTensorData);
    expect(Array.from(new Uint32Array(t.values.buffer, t.values.byteOffset, 6))).toEqual(
      FLOAT_BITS,
    );
    expect(
      getRpcCodec(tensorService, "SendTensor").deserializeResponse(
        msg(bool(1, true), str(2, "stored")),
      ),
    ).toEqual({
      success: true,
      message: "stored",
    });
  });

  it("GetTensor request and response", () => {
    const get = getRpcCodec(tensorService, "GetTensor");
    expect(get.deserializeRequest(msg(str(1, "act-12"), double(2, 2.5)))).toEqual({
      tensor_id: "act-12",
      timeout: 2.5,
    });
    const res = get.deserializeResponse(
      msg(bool(1, true), str(2, "found"), len(3, tensorData)),
    ) as m.GetTensorResponse;
    expect(res.success).toBe(true);
    expect(res.message).toBe("found");
    expect(res.tensor?.tensor_id).toBe("act-12");
  });

  it("HealthCheck, ForwardPass and GetClusterStatus", () => {
    const health = getRpcCodec(tensorService, "HealthCheck");
    expect(health.deserializeRequest(str(1, "mini3"))).toEqual({ device_id: "mini3" });
    expect(
      health.deserializeResponse(
        msg(bool(1, true), str(2, "mini3"), double(3, 12.75), str(4, "ok")),
      ),
    ).toEqual({
      healthy: true,
      device_id: "mini3",
      timestamp: 12.75,
      status_message: "ok",
    });

    const forwardPass = getRpcCodec(tensorService, "ForwardPass");
    const fp = forwardPass.deserializeRequest(
      msg(len(1, tensorData), int(2, 4), int(3, 8), str(4, "p1")),
    ) as m.ForwardPassRequest;
    expect([fp.input_tensor?.tensor_id, fp.layer_start, fp.layer_end, fp.pass_id]).toEqual([
      "act-12",
      4,
      8,
      "p1",
    ]);
    const fpr = forwardPass.deserializeResponse(
      msg(bool(1, true), str(2, "done"), len(3, tensorData)),
    ) as m.ForwardPassResponse;
    expect([fpr.success, fpr.message, fpr.output_tensor?.device_target]).toEqual([
      true,
      "done",
      "mini2",
    ]);

    const status = getRpcCodec(tensorService, "GetClusterStatus");
    expect(status.deserializeRequest(str(1, "mini1"))).toEqual({ requesting_device: "mini1" });
    const device = (id: string, port: number, layers: number[]): Buffer =>
      len(
        1,
        msg(
          str(1, id),
          str(2, `${id}.local`),
          int(3, port),
          str(4, "worker"),
          packed(5, layers),
          str(6, "healthy"),
        ),
      );
    expect(
      status.deserializeResponse(
        msg(device("mini1", 50051, [0, 1, 2]), device("mini2", 50052, [3, 4]), str(2, "mini1")),
      ),
    ).toEqual({
      devices: [
        {
          device_id: "mini1",
          hostname: "mini1.local",
          port: 50051,
          role: "worker",
          layers: [0, 1, 2],
          status: "healthy",
        },
        {
          device_id: "mini2",
          hostname: "mini2.local",
          port: 50052,
          role: "worker",
          layers: [3, 4],
          status: "healthy",
        },
      ],
      coordinator: "mini1",
    });
  });
});

describe("what grpc serializes has the contract's field numbers and wire types", () => {
  it("ForwardRequest carrying an encoded Tensor", () => {
    const values = floatsFromBits(FLOAT_BITS);
    const tensor = encodeTensor({ dtype: "float32", shape: [2, 3], values }, { layer: "7" });
    const bytes = getRpcCodec(inference, "Forward").serializeRequest({
      request_id: "r1",
      input_tensor: tensor,
      return_cache: true,
    });
    const outer = parse(bytes);
    expect(layout(outer)).toEqual([
      [1, LEN],
      [2, LEN],
      [5, VARINT],
    ]);
    expect(bytesOf(outer, 1).toString()).toBe("r1");
    const inner = parse(bytesOf(outer, 2));
    expect(layout(inner)).toEqual([
      [1, LEN], // packed repeated int64
      [2, LEN],
      [3, LEN],
      [4, LEN],
    ]);
    expect(packedVarints(bytesOf(inner, 1))).toEqual([2n, 3n]);
    expect(bytesOf(inner, 2).toString()).toBe("float32");
    expect(Buffer.compare(bytesOf(inner, 3), Buffer.from(values.buffer))).toBe(0);
    expect(stringMapOf(inner, 4)).toEqual({ layer: "7" });
  });

  it("SendRequest carrying an encoded CommData (bfloat16: float32 plus the marker)", () => {
    const data = encodeCommData(
      { dtype: "bfloat16", shape: [2], values: Float32Array.from([1, -2]) },
      { commType: "tensor" },
    );
    const bytes = getRpcCodec(comm, "Send").serializeRequest({
      source_rank: -1,
      dest_rank: 2,
      data,
      tag: "x",
    });
    const outer = parse(bytes);
    expect(layout(outer)).toEqual([
      [1, VARINT],
      [2, VARINT],
      [3, LEN],
      [4, LEN],
    ]);
    expect(varintOf(outer, 1)).toBe(2n ** 64n - 1n); // int32 -1, sign-extended to 64 bits
    const commData = parse(bytesOf(outer, 3));
    expect(commData.map((f) => f.field)).toEqual([2, 4, 5, 5, 5, 5]);
    const td = parse(bytesOf(commData, 2));
    expect(layout(td)).toEqual([
      [1, LEN],
      [2, LEN],
      [3, LEN],
    ]);
    expect(Array.from(new Float32Array(new Uint8Array(bytesOf(td, 1)).buffer))).toEqual([1, -2]);
    expect(packedVarints(bytesOf(td, 2))).toEqual([2n]);
    expect(bytesOf(td, 3).toString()).toBe("float32");
    expect(bytesOf(commData, 4).toString()).toBe("tensor");
    expect(stringMapOf(commData, 5)).toEqual({
      compressed: "none",
      original_size: "8",
      compression_ratio: "1.0000",
      original_mlx_dtype: "mlx.core.bfloat16",
    });
  });

  it.each([
    ["pickle_data", 1],
    ["numpy_data", 3],
  ] as const)("CommData.%s goes out as field %i", (member, field) => {
    const bytes = getRpcCodec(comm, "Send").serializeRequest({
      data: { [member]: Buffer.from([7, 8]), comm_type: "obj" },
    });
    const commData = parse(bytesOf(parse(bytes), 3));
    expect(layout(commData)).toEqual([
      [field, LEN],
      [4, LEN],
    ]);
    expect(Array.from(bytesOf(commData, field))).toEqual([7, 8]);
  });

  it("SendTensorRequest carrying an encoded TensorData (double timestamp as wire type 1)", () => {
    const tensor = encodeServiceTensor(
      { dtype: "int32", shape: [2, 2], values: Int32Array.from([1, -1, 2 ** 31 - 1, -(2 ** 31)]) },
      { tensorId: "i", deviceSource: "a", deviceTarget: "b", timestamp: 99.5 },
    );
    const outer = parse(getRpcCodec(tensorService, "SendTensor").serializeRequest({ tensor }));
    expect(layout(outer)).toEqual([[1, LEN]]);
    const td = parse(bytesOf(outer, 1));
    expect(layout(td)).toEqual([
      [1, LEN],
      [2, LEN], // packed repeated int32
      [3, LEN],
      [4, LEN],
      [5, LEN],
      [6, LEN],
      [7, LEN],
      [8, I64],
    ]);
    expect(bytesOf(td, 1).toString()).toBe("i");
    expect(packedVarints(bytesOf(td, 2))).toEqual([2n, 2n]);
    expect(bytesOf(td, 3).toString()).toBe("int32");
    expect(Array.from(new Int32Array(new Uint8Array(bytesOf(td, 4)).buffer))).toEqual([
      1,
      -1,
      2 ** 31 - 1,
      -(2 ** 31),
    ]);
    expect(bytesOf(td, 5).toString()).toBe("none");
    expect([bytesOf(td, 6).toString(), bytesOf(td, 7).toString()]).toEqual(["a", "b"]);
    expect(bytesOf(td, 8).readDoubleLE(0)).toBe(99.5);
  });

  it("HealthCheckResponse: floats as wire type 5, int64 as varints", () => {
    const bytes = getRpcCodec(inference, "HealthCheck").serializeResponse({
      healthy: true,
      status: "ok",
      uptime_seconds: 2 ** 40,
      gpu_utilization: 0.25,
      memory_utilization: 0.5,
      requests_processed: 3,
      stats: { k: "v" },
    });
    const fields = parse(bytes);
    expect(layout(fields)).toEqual([
      [1, VARINT],
      [2, LEN],
      [3, VARINT],
      [4, I32],
      [5, I32],
      [6, VARINT],
      [7, LEN],
    ]);
    expect(varintOf(fields, 3)).toBe(2n ** 40n);
    expect(bytesOf(fields, 4).readFloatLE(0)).toBe(0.25);
    expect(stringMapOf(fields, 7)).toEqual({ k: "v" });
  });

  it("bytes we build by hand equal what grpc serializes for the same message", () => {
    const byHand = msg(int(1, 1), str(2, "epoch-3"));
    expect(
      Buffer.compare(
        getRpcCodec(comm, "Barrier").serializeRequest({ rank: 1, barrier_id: "epoch-3" }),
        byHand,
      ),
    ).toBe(0);
    const tensorByHand = msg(
      len(2, msg(packed(1, [3]), str(2, "bool"), len(3, Buffer.from([1, 0, 1])))),
    );
    const tensorByGrpc = getRpcCodec(inference, "Forward").serializeRequest({
      input_tensor: encodeTensor({ dtype: "bool", shape: [3], values: Uint8Array.from([1, 0, 1]) }),
    });
    expect(Buffer.compare(tensorByGrpc, tensorByHand)).toBe(0);
  });
});
