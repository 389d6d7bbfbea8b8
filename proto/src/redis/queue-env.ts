import { z } from "zod";

/**
 * The environment variables the service and the worker must agree on: the Redis they share, the
 * queue one cluster's jobs go through, and the prefix of the service's keys (the worker reads the
 * cancel keys there). One definition, so the two cannot drift apart.
 */
export const QueueEnv = {
  REDIS_URL: z
    .string()
    .default("redis://127.0.0.1:6379")
    .refine((s) => /^rediss?:\/\//.test(s), "must start with redis:// or rediss://"),
  /** One queue per cluster. */
  QUEUE_NAME: z
    .string()
    .default("mlxbench-default")
    .refine((s) => /^[A-Za-z0-9_.-]+$/.test(s), "may only hold letters, digits, '_', '.', '-'"),
  /** Prefix of the service's Redis keys (dedupe, PR records, cancel signals of superseded jobs). */
  KEY_PREFIX: z.string().default("mlxbench:"),
};
