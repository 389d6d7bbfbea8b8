import { RUNNER_LABEL_PATTERN } from "../schemas/runs-on.js";

/** One BullMQ queue per pool: `<QUEUE_NAME>.<label>`. */
export function poolQueueName(baseQueue: string, label: string): string {
  if (!RUNNER_LABEL_PATTERN.test(label)) throw new Error(`invalid runner label "${label}"`);
  return `${baseQueue}.${label}`;
}

/** The check run name of one pool's job: `mlxbench / <label>`. */
export function poolCheckName(checkName: string, label: string): string {
  return `${checkName} / ${label}`;
}
