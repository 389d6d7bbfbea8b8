export { createApp, NODE_BODY_LIMIT } from "./create-app.js";
export type { AppDeps } from "./create-app.js";
export { createLambdaHandler, LAMBDA_BODY_LIMIT } from "./create-lambda-handler.js";
export { createDeps } from "./create-deps.js";
export { toRedisOptions } from "./redis-options.js";
