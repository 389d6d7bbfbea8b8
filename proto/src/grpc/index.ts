export * from "./messages.js";
export * from "./load-protos.js";
export * from "./services.js";
