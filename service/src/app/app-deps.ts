import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/index.js";
import type { GitHubClientFactory } from "../github/index.js";
import type { PagesDeps } from "../pages/index.js";
import type { PoolQueues } from "../fleet/index.js";

/** Everything the app needs from outside; main.ts and the Lambda entry point build it. */
export interface AppDeps {
  config: Config;
  redis: Redis;
  queue: Queue;
  github: GitHubClientFactory;
  log: Logger;
  clock?: () => Date;
  /** Bytes accepted per delivery: 25 MB on Node; the Lambda entry point passes its 6 MB. */
  bodyLimitBytes?: number;
  /** The archive pages under /reports; absent, only the webhook and health routes are served. */
  pages?: PagesDeps;
  /** The runner pools' queues: serves /fleet and /fleet.json when present. */
  pools?: PoolQueues;
}
