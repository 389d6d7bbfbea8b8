// The gRPC reference of the communication component, run in its own process by
// startGrpcReferenceServer: a bare grpc-js server on loopback whose health RPCs answer at once
// with a constant message and do nothing else. A unary call to it costs what gRPC itself costs on
// this machine (HTTP/2 framing, protobuf, grpc-js on both sides, two process wake-ups), so the
// cluster's gRPC is judged against it. Prints `listening PORT` when bound; exits when its stdin
// closes (the parent ended, however it ended).
import * as grpc from "@grpc/grpc-js";
import {
  CHANNEL_OPTIONS,
  getDistributedInferenceService,
  getTensorServiceService,
  type HealthCheckResponse,
  type HealthResponse,
  type Init,
} from "@mlxbench/proto";

const host = process.argv[2] ?? "127.0.0.1";
const TENSOR_HEALTH: Init<HealthResponse> = {
  healthy: true,
  device_id: "reference",
  timestamp: 0,
  status_message: "bare grpc-js reference server (no-op handler)",
};
const INFERENCE_HEALTH: Init<HealthCheckResponse> = { healthy: true, status: "healthy" };

const server = new grpc.Server(CHANNEL_OPTIONS);
server.addService(getTensorServiceService(), {
  HealthCheck: (_call: unknown, callback: grpc.sendUnaryData<Init<HealthResponse>>) =>
    callback(null, TENSOR_HEALTH),
});
server.addService(getDistributedInferenceService(), {
  HealthCheck: (_call: unknown, callback: grpc.sendUnaryData<Init<HealthCheckResponse>>) =>
    callback(null, INFERENCE_HEALTH),
});
server.bindAsync(`${host}:0`, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`cannot listen on ${host}: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`listening ${port}\n`);
});
process.stdin.resume();
process.stdin.once("end", () => {
  server.forceShutdown();
  process.exit(0);
});
process.once("SIGTERM", () => {
  server.forceShutdown();
  process.exit(0);
});
