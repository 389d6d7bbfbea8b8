import { Queue, type ConnectionOptions } from "bullmq";
import { poolQueueName } from "@mlxbench/proto";

export interface PoolQueues {
  queueFor(label: string): Queue;
  close(): Promise<void>;
}

/** The producer side of every pool's queue (`<QUEUE_NAME>.<label>`), opened on first use. */
export function createPoolQueues(baseQueue: string, connection: ConnectionOptions): PoolQueues {
  const queues = new Map<string, Queue>();
  return {
    queueFor(label) {
      let q = queues.get(label);
      if (!q) {
        q = new Queue(poolQueueName(baseQueue, label), { connection });
        queues.set(label, q);
      }
      return q;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}
