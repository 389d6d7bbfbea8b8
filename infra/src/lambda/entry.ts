// The Lambda's entry: fetch the secrets, then load the service's own Lambda handler.
import { createDeferredHandler, type Handler } from "./create-deferred-handler.js";
import { createExtensionSecretFetcher, loadSecretsIntoEnv } from "./load-secrets-into-env.js";

const port = Number(process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? 2773);

export const handler = createDeferredHandler({
  env: process.env,
  prepare: (env) =>
    loadSecretsIntoEnv(
      env,
      createExtensionSecretFetcher({ port, sessionToken: env.AWS_SESSION_TOKEN ?? "" }),
    ),
  load: async () => (await import("@mlxbench/service/lambda")).handler as Handler,
});
