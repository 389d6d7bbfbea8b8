export { loadExample, setPath } from "./webhook-fixtures.js";
export { startHarness, SECRETS, INSTALLATION_ID, REPO } from "./harness.js";
export type { Harness, HarnessOptions, DeliverOptions } from "./harness.js";
// The archive's pages without the webhook app, for programs that read what a run publishes.
export { createPagesRoutes, type PagesDeps } from "../pages/index.js";
