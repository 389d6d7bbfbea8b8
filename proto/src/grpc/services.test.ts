import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceTensorData } from "./messages.js";
import {
  callUnary,
  createTensorServiceClient,
  getTensorServiceService,
  type TensorServiceClient,
  type TensorServiceHandlers,
} from "./services.js";

describe("typed gRPC services over a real socket", () => {
  const store = new Map<string, ServiceTensorData>();
  const server = new grpc.Server();
  let client: TensorServiceClient;

  beforeAll(async () => {
    const handlers: TensorServiceHandlers = {
      SendTensor: (call, cb) => {
        const t = call.request.tensor;
        if (!t) return cb({ code: grpc.status.INVALID_ARGUMENT, details: "tensor missing" });
        store.set(t.tensor_id, t);
        cb(null, { success: true, message: `stored ${t.data.length} bytes` });
      },
      GetTensor: (call, cb) => {
        const t = store.get(call.request.tensor_id);
        cb(null, t ? { success: true, tensor: t } : { success: false, message: "not found" });
      },
      HealthCheck: (call, cb) => cb(null, { healthy: true, device_id: call.request.device_id }),
      ForwardPass: (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED }),
      GetClusterStatus: (_call, cb) => cb(null, { devices: [], coordinator: "mini1" }),
    };
    server.addService(getTensorServiceService(), handlers);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) =>
        e ? reject(e) : resolve(p),
      ),
    );
    client = createTensorServiceClient(`127.0.0.1:${port}`);
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
  });

  it("stores and returns a tensor with every field as sent", async () => {
    const data = Buffer.from(new Float32Array([1, -0, Number.NaN]).buffer);
    const sent = await callUnary(client, client.SendTensor, {
      tensor: { tensor_id: "t1", shape: [3], dtype: "float32", data, timestamp: 1.5 },
    });
    expect(sent).toEqual({ success: true, message: "stored 12 bytes" });
    const got = await callUnary(client, client.GetTensor, { tensor_id: "t1" });
    expect(got.success).toBe(true);
    expect(got.tensor?.shape).toEqual([3]);
    expect(got.tensor?.timestamp).toBe(1.5);
    expect(Buffer.compare(got.tensor?.data ?? Buffer.alloc(0), data)).toBe(0);
  });

  it("rejects with the server's status instead of resolving a value", async () => {
    await expect(callUnary(client, client.ForwardPass, {})).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });
});
