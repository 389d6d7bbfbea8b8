import * as grpc from "@grpc/grpc-js";
import type { AllReduceOperation, CommData, HostTensor, ReceiveResponse } from "@mlxbench/proto";
import { reduceTensors } from "./reduce-tensors.js";
import { RpcError, waitFor } from "./rpc-support.js";

interface Mailbox {
  queue: ReceiveResponse[];
  listeners: Set<() => void>;
}

interface ReduceRound {
  contributions: Map<number, { tensor: HostTensor; operation: AllReduceOperation }>;
  result?: HostTensor;
  error?: RpcError;
  listeners: Set<() => void>;
}

interface BarrierRound {
  ranks: Set<number>;
  done: boolean;
  listeners: Set<() => void>;
}

/**
 * What the ranks of the sim share for mlx_distributed.comm: point-to-point mailboxes keyed by
 * (source, dest, tag), and the collectives. A rank's k-th AllReduce joins round k, so every rank
 * calling AllReduce once (each on its own device) makes one reduction that all of them receive.
 */
export class CommHub {
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly reduceRounds = new Map<number, ReduceRound>();
  private readonly reduceCalls: number[];
  private readonly barriers = new Map<string, BarrierRound>();
  private readonly broadcasts = new Map<string, { data: CommData; consumedBy: Set<number> }>();
  private readonly broadcastsSent: number[];
  private readonly broadcastsTaken: number[][];
  private readonly broadcastListeners = new Set<() => void>();

  constructor(readonly worldSize: number) {
    this.reduceCalls = new Array<number>(worldSize).fill(0);
    this.broadcastsSent = new Array<number>(worldSize).fill(0);
    this.broadcastsTaken = Array.from({ length: worldSize }, () =>
      new Array<number>(worldSize).fill(0),
    );
  }

  checkRank(rank: number, field: string): void {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.worldSize) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        `${field} ${rank} is not a rank of this cluster (ranks are 0…${this.worldSize - 1})`,
      );
    }
  }

  private mailbox(source: number, dest: number, tag: string): Mailbox {
    const key = `${source}\u0000${dest}\u0000${tag}`;
    let box = this.mailboxes.get(key);
    if (!box) {
      box = { queue: [], listeners: new Set() };
      this.mailboxes.set(key, box);
    }
    return box;
  }

  send(source: number, dest: number, tag: string, data: CommData): void {
    const box = this.mailbox(source, dest, tag);
    box.queue.push({ data, source_rank: source, tag });
    for (const wake of [...box.listeners]) wake();
  }

  /** Hands every queued and future message for (source → receiver, tag) to `deliver`, in order, until unsubscribed. */
  receive(
    receiver: number,
    source: number,
    tag: string,
    deliver: (message: ReceiveResponse) => void,
  ): () => void {
    const box = this.mailbox(source, receiver, tag);
    const drain = (): void => {
      for (let m = box.queue.shift(); m; m = box.queue.shift()) deliver(m);
    };
    box.listeners.add(drain);
    drain();
    return () => box.listeners.delete(drain);
  }

  async allReduce(
    rank: number,
    tensor: HostTensor,
    operation: AllReduceOperation,
    signal: AbortSignal,
  ): Promise<HostTensor> {
    const index = this.reduceCalls[rank] ?? 0;
    this.reduceCalls[rank] = index + 1;
    let round = this.reduceRounds.get(index);
    if (!round) {
      round = { contributions: new Map(), listeners: new Set() };
      this.reduceRounds.set(index, round);
    }
    const current = round;
    current.contributions.set(rank, { tensor, operation });
    if (current.contributions.size === this.worldSize) {
      const ops = new Set([...current.contributions.values()].map((c) => c.operation));
      try {
        if (ops.size > 1) {
          throw new RpcError(
            grpc.status.INVALID_ARGUMENT,
            `AllReduce ranks asked for different operations: ${[...ops].join(", ")}`,
          );
        }
        const ordered = [...current.contributions.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, c]) => c.tensor);
        current.result = reduceTensors(ordered, operation);
      } catch (error) {
        current.error =
          error instanceof RpcError ? error : new RpcError(grpc.status.INTERNAL, String(error));
      }
      this.reduceRounds.delete(index);
      for (const wake of [...current.listeners]) wake();
    }
    try {
      const outcome = await waitFor(
        (wake) => {
          current.listeners.add(wake);
          return () => current.listeners.delete(wake);
        },
        () => current.result ?? current.error,
        signal,
      );
      if (outcome instanceof RpcError) throw outcome;
      if (!outcome) throw new RpcError(grpc.status.INTERNAL, "AllReduce ended without a result");
      return outcome;
    } catch (error) {
      // a caller that gave up leaves the round, so its retry joins the same round again
      if (
        current.result === undefined &&
        current.error === undefined &&
        current.contributions.delete(rank)
      ) {
        this.reduceCalls[rank] = index;
      }
      throw error;
    }
  }

  /** Resolves with the participant count once every rank reached `barrierId`. */
  async barrier(rank: number, barrierId: string, signal: AbortSignal): Promise<number> {
    let round = this.barriers.get(barrierId);
    if (!round) {
      round = { ranks: new Set(), done: false, listeners: new Set() };
      this.barriers.set(barrierId, round);
    }
    const current = round;
    current.ranks.add(rank);
    if (current.ranks.size === this.worldSize) {
      current.done = true;
      this.barriers.delete(barrierId); // the id can be used again for the next barrier
      for (const wake of [...current.listeners]) wake();
    }
    try {
      await waitFor(
        (wake) => {
          current.listeners.add(wake);
          return () => current.listeners.delete(wake);
        },
        () => (current.done ? true : undefined),
        signal,
      );
    } catch (error) {
      if (!current.done) current.ranks.delete(rank);
      throw error;
    }
    return this.worldSize;
  }

  /**
   * The root's n-th Broadcast publishes its data; every other rank's n-th Broadcast for that root
   * waits for it and returns it.
   */
  async broadcast(
    root: number,
    sender: number,
    data: CommData | null,
    signal: AbortSignal,
  ): Promise<CommData> {
    if (sender === root) {
      if (!data)
        throw new RpcError(
          grpc.status.INVALID_ARGUMENT,
          "BroadcastRequest.data is missing on the root rank",
        );
      const index = this.broadcastsSent[root] ?? 0;
      this.broadcastsSent[root] = index + 1;
      if (this.worldSize > 1)
        this.broadcasts.set(`${root}:${index}`, { data, consumedBy: new Set() });
      for (const wake of [...this.broadcastListeners]) wake();
      return data;
    }
    const taken = this.broadcastsTaken[sender] ?? [];
    const index = taken[root] ?? 0;
    taken[root] = index + 1;
    const key = `${root}:${index}`;
    try {
      const entry = await waitFor(
        (wake) => {
          this.broadcastListeners.add(wake);
          return () => this.broadcastListeners.delete(wake);
        },
        () => this.broadcasts.get(key),
        signal,
      );
      if (!entry) throw new RpcError(grpc.status.INTERNAL, "Broadcast ended without data");
      entry.consumedBy.add(sender);
      if (entry.consumedBy.size >= this.worldSize - 1) this.broadcasts.delete(key);
      return entry.data;
    } catch (error) {
      taken[root] = index;
      throw error;
    }
  }
}
