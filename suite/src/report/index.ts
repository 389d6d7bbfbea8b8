export * from "./charts/index.js";
export * from "./markdown/index.js";
