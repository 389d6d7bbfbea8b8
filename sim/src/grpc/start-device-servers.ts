import * as grpc from "@grpc/grpc-js";
import {
  CHANNEL_OPTIONS,
  getDistributedCommService,
  getDistributedInferenceService,
  getTensorServiceService,
} from "@mlxbench/proto";
import type { ClusterState } from "../cluster-state.js";
import { CommHub } from "./comm-hub.js";
import { createCommHandlers } from "./comm-service.js";
import { createInferenceHandlers } from "./inference-service.js";
import { createTensorServiceHandlers } from "./tensor-service.js";

export class GrpcBindError extends Error {
  override name = "GrpcBindError";
}

/**
 * One gRPC server per device hosting all three services. `basePort` 0 gives every device a random
 * free port; otherwise rank r listens on basePort + r. Fills each device's host and port.
 */
export async function startDeviceServers(
  state: ClusterState,
  host: string,
  basePort: number,
): Promise<grpc.Server[]> {
  const hub = new CommHub(state.devices.length);
  const servers: grpc.Server[] = [];
  try {
    for (const device of state.devices) {
      const server = new grpc.Server(CHANNEL_OPTIONS);
      server.addService(getDistributedInferenceService(), createInferenceHandlers(state, device));
      server.addService(getTensorServiceService(), createTensorServiceHandlers(state, device));
      server.addService(getDistributedCommService(), createCommHandlers(state, device, hub));
      servers.push(server);
      const wanted = basePort === 0 ? 0 : basePort + device.rank;
      const address = host.includes(":") ? `[${host}]:${wanted}` : `${host}:${wanted}`;
      device.port = await new Promise<number>((resolve, reject) =>
        server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) =>
          error
            ? reject(
                new GrpcBindError(
                  `gRPC server of ${device.deviceId} could not listen on ${address}: ${error.message}`,
                  { cause: error },
                ),
              )
            : resolve(port),
        ),
      );
      device.host = host;
    }
  } catch (error) {
    for (const server of servers) server.forceShutdown();
    throw error;
  }
  return servers;
}
