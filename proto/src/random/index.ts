export { createMulberry32 } from "./create-mulberry32.js";
