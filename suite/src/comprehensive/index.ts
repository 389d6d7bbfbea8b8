export { runComprehensive, type ComprehensiveOptions } from "./run-comprehensive.js";
export { concurrencyLevels } from "./concurrency-levels.js";
