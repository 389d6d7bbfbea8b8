import type { Queue } from "bullmq";
import type { RunsOnCache } from "../fleet/index.js";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/index.js";
import type { GitHubClient } from "../github/index.js";

/** What a trigger handler may use while it processes one delivery. */
export interface TriggerContext {
  config: Config;
  redis: Redis;
  queue: Queue;
  github: GitHubClient;
  installationId: number;
  deliveryId: string;
  log: Logger;
  now: Date;
  /** Present when RUNNER_POOLS routes runs to `<QUEUE_NAME>.<label>` queues by `runs-on`. */
  fleet?: FleetContext;
}

/** The runner pools' queues and the `runs-on` cache shared by every delivery. */
export interface FleetContext {
  queueFor: (label: string) => Queue;
  runsOnCache: RunsOnCache;
}

/** How a delivery ended; `queued` means the job is stored in BullMQ. */
export interface Outcome {
  result: "queued" | "ignored" | "refused" | "waiting" | "replied";
  reason: string;
  jobId?: string;
  checkRunId?: number;
}

export const ignored = (reason: string): Outcome => ({ result: "ignored", reason });
