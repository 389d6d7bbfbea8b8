export {
  bundleService,
  BUNDLE_FILE,
  LAMBDA_ENTRY,
  PROTO_FOLDER,
  REPO_ROOT,
} from "./bundle-service.js";
export type { BundleOptions, ServiceBundle } from "./bundle-service.js";
export { ARCHIVE_PREFIX, MlxbenchStack, PR_RUN_TAG, WEBHOOK_PATH } from "./mlxbench-stack.js";
export type { MlxbenchStackProps } from "./mlxbench-stack.js";
export {
  DEFAULT_STACK_CONFIG,
  LAMBDA_RUNTIMES,
  readStackConfig,
  StackConfigError,
} from "./stack-config.js";
export type { LambdaRuntimeName, StackConfig } from "./stack-config.js";
