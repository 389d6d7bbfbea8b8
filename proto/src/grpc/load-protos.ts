import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

/** Folder of our .proto files. */
export const PROTO_DIR = fileURLToPath(new URL("../../protos/", import.meta.url));

export const PROTO_FILES = [
  "mlx_distributed.proto",
  "mlx_distributed_comm.proto",
  "tensor_service.proto",
] as const;

/** Decoding options the message types of messages.ts are written for. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** Tensors up to 64 MiB and more travel in one message; gRPC's default cap is 4 MiB. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
};

let loaded: grpc.GrpcObject | undefined;

/** The three packages of the contract, loaded once per process. */
export function loadProtos(): grpc.GrpcObject {
  loaded ??= grpc.loadPackageDefinition(protoLoader.loadSync([...PROTO_FILES], LOADER_OPTIONS));
  return loaded;
}

/** The client constructor of `package.Service`, e.g. "mlx_distributed.comm.DistributedComm". */
export function loadServiceConstructor(qualifiedName: string): grpc.ServiceClientConstructor {
  let node: unknown = loadProtos();
  for (const part of qualifiedName.split(".")) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (typeof node !== "function" || !("service" in node)) {
    throw new Error(`no gRPC service named ${qualifiedName} in ${PROTO_FILES.join(", ")}`);
  }
  return node as grpc.ServiceClientConstructor;
}
