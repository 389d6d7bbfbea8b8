export { runCompare } from "./run-compare.js";
export { compareModes } from "./compare-modes.js";
export type { CompareOptions } from "./compare-options.js";
