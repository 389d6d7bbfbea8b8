import type { Logger } from "pino";
import { poolQueueName } from "@mlxbench/proto";
import { createJobGate, type JobGate } from "./job-gate.js";

/** What a pool worker needs from one queue's consumer (BullMQ's Worker or the benchmark worker). */
export interface QueueConsumer {
  pause(): Promise<void> | void;
  resume(): void;
  close(): Promise<void>;
}

export interface StartPoolWorkerOptions {
  /** QUEUE_NAME: the base of every pool's queue name. */
  baseQueue: string;
  labels: string[];
  logger: Logger;
  /** Starts the consumer of one pool's queue; its processor must run jobs through `runGated(gate, …)`. */
  startConsumer(queueName: string, label: string, gate: JobGate): Promise<QueueConsumer>;
  onJob?: (job: { jobId: string; label: string } | null) => void;
}

export interface PoolWorker {
  readonly gate: JobGate;
  readonly queues: string[];
  close(): Promise<void>;
}

/**
 * A runner's consumers, one per label (`<QUEUE_NAME>.<label>`), each with concurrency 1, sharing
 * a gate so the runner's one cluster runs one job at a time. While a job runs, the other labels'
 * consumers are paused so they do not fetch jobs another runner could take.
 */
export async function startPoolWorker(opts: StartPoolWorkerOptions): Promise<PoolWorker> {
  const consumers = new Map<string, QueueConsumer>();
  const gate = createJobGate({
    onEnter(jobId, label) {
      opts.onJob?.({ jobId, label });
      for (const [l, c] of consumers) if (l !== label) void Promise.resolve(c.pause());
    },
    onLeave() {
      opts.onJob?.(null);
      for (const c of consumers.values()) c.resume();
    },
  });
  const queues = opts.labels.map((label) => poolQueueName(opts.baseQueue, label));
  for (const [i, label] of opts.labels.entries()) {
    const queueName = queues[i] ?? poolQueueName(opts.baseQueue, label);
    consumers.set(label, await opts.startConsumer(queueName, label, gate));
  }
  opts.logger.info({ queues }, "pool worker started");
  return {
    gate,
    queues,
    async close() {
      await Promise.all([...consumers.values()].map((c) => c.close()));
    },
  };
}
