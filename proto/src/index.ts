export * from "./grpc/index.js";
export * from "./schemas/index.js";
export * from "./codec/index.js";
export * from "./random/index.js";
export * from "./redis/index.js";
export * from "./fleet/index.js";
