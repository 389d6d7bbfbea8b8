export { loadExample, setPath } from "./webhook-fixtures.js";
export { startHarness, SECRETS, INSTALLATION_ID, REPO } from "./harness.js";
export type { Harness, HarnessOptions, DeliverOptions } from "./harness.js";
