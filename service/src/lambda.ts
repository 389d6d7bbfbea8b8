import { createApp, createDeps, createLambdaHandler, LAMBDA_BODY_LIMIT } from "./app/index.js";
import { loadConfig } from "./config/index.js";

// Built once per container; Lambda reuses it across invocations.
const deps = await createDeps(loadConfig());

export const handler = createLambdaHandler(
  createApp({ ...deps, bodyLimitBytes: LAMBDA_BODY_LIMIT }),
  deps.log,
);
