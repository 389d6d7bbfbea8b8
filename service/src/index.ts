export { HANDLED_EVENTS, isHandled, signPayload, verifySignature } from "./webhooks/index.js";
export type { HandledEvent } from "./webhooks/index.js";
export {
  createApp,
  createDeps,
  createLambdaHandler,
  LAMBDA_BODY_LIMIT,
  NODE_BODY_LIMIT,
} from "./app/index.js";
export type { AppDeps } from "./app/index.js";
export { Config, loadConfig } from "./config/index.js";
export { createGitHubClientFactory } from "./github/index.js";
export type { GitHubClient, GitHubClientFactory } from "./github/index.js";
export { parseBenchmarkCommand, runPageUrl } from "./triggers/index.js";
export type { BenchmarkCommand, Outcome } from "./triggers/index.js";
export {
  ConfigError,
  GitHubQuotaExceededError,
  GitHubRateLimitedError,
  GitHubUnavailableError,
  InstallationNotFoundError,
  QueueUnavailableError,
} from "./errors.js";
export { createLocalPagesApp, serveLocalPages } from "./pages/index.js";
export type { LocalPagesOptions, LocalPagesServer } from "./pages/index.js";
export * from "./fleet/index.js";
