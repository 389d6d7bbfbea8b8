export { createDeferredHandler } from "./create-deferred-handler.js";
export type { DeferredHandlerOptions, Handler } from "./create-deferred-handler.js";
export { SecretLoadError } from "./errors.js";
export {
  createExtensionSecretFetcher,
  loadSecretsIntoEnv,
  SECRET_ARN_PREFIX,
} from "./load-secrets-into-env.js";
export type { ExtensionOptions, FetchSecret } from "./load-secrets-into-env.js";
export { publicUrlFromEvent } from "./public-url-from-event.js";
