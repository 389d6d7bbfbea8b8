// The suite's results as data: what each component measured, written out as JSON and read by
// the reports. Types and constants only; nothing here measures or writes.
export * from "./validation-result.js";
export * from "./comprehensive-result.js";
export * from "./compare-result.js";
export * from "./communication-result.js";
export * from "./suite-reports.js";
