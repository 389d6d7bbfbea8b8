import * as grpc from "@grpc/grpc-js";
import {
  decodeCommData,
  decodeTensor,
  encodeTensor,
  type AllReduceRequest,
  type AllReduceResponse,
  type BarrierRequest,
  type BarrierResponse,
  type BroadcastRequest,
  type BroadcastResponse,
  type CommData,
  type DistributedCommHandlers,
  type SendRequest,
  type SendResponse,
} from "@mlxbench/proto";
import { firstDownDevice, type ClusterState, type SimDevice } from "../cluster-state.js";
import type { CommHub } from "./comm-hub.js";
import { checkOperation } from "./reduce-tensors.js";
import {
  checkDeviceUp,
  describeDown,
  RpcError,
  serveUnary,
  signalOf,
  toServiceError,
} from "./rpc-support.js";

/** A tensor payload must decode before it is passed on; other oneof members are opaque bytes. */
function checkCommData(data: CommData | null, field: string): CommData {
  if (!data) throw new RpcError(grpc.status.INVALID_ARGUMENT, `${field} is missing`);
  if (data.data === "tensor_data" || (data.data === undefined && data.tensor_data))
    decodeCommData(data);
  return data;
}

/** A collective cannot complete while a rank is down: say so at once instead of hanging. */
function checkAllRanksUp(state: ClusterState, what: string): void {
  const down = firstDownDevice(state);
  if (down)
    throw new RpcError(grpc.status.UNAVAILABLE, `${what} cannot complete: ${describeDown(down)}`);
}

/** mlx_distributed.comm.DistributedComm as one device of the sim answers it; `hub` is shared by all ranks. */
export function createCommHandlers(
  state: ClusterState,
  device: SimDevice,
  hub: CommHub,
): DistributedCommHandlers {
  return {
    Send: serveUnary<SendRequest, SendResponse>(state, device, (req) => {
      hub.checkRank(req.source_rank, "source_rank");
      hub.checkRank(req.dest_rank, "dest_rank");
      const data = checkCommData(req.data, "SendRequest.data");
      hub.send(req.source_rank, req.dest_rank, req.tag, data);
      return {
        success: true,
        message: `queued for rank ${req.dest_rank} (tag ${JSON.stringify(req.tag)})`,
      };
    }),

    Receive: (call) => {
      try {
        checkDeviceUp(state, device);
        hub.checkRank(call.request.receiver_rank, "receiver_rank");
        hub.checkRank(call.request.source_rank, "source_rank");
      } catch (error) {
        call.emit("error", toServiceError(error));
        return;
      }
      device.requestsProcessed += 1;
      const { receiver_rank, source_rank, tag } = call.request;
      const signal = signalOf(state, call);
      // open until the caller cancels or the cluster stops: it streams whatever is sent
      const unsubscribe = hub.receive(receiver_rank, source_rank, tag, (message) =>
        call.write(message),
      );
      signal.addEventListener(
        "abort",
        () => {
          unsubscribe();
          if (!call.cancelled) call.end();
        },
        { once: true },
      );
    },

    Broadcast: serveUnary<BroadcastRequest, BroadcastResponse>(
      state,
      device,
      async (req, signal) => {
        hub.checkRank(req.root_rank, "root_rank");
        hub.checkRank(req.sender_rank, "sender_rank");
        checkAllRanksUp(state, "Broadcast");
        const data =
          req.sender_rank === req.root_rank
            ? checkCommData(req.data, "BroadcastRequest.data")
            : null;
        return {
          success: true,
          data: await hub.broadcast(req.root_rank, req.sender_rank, data, signal),
        };
      },
    ),

    AllReduce: serveUnary<AllReduceRequest, AllReduceResponse>(
      state,
      device,
      async (req, signal) => {
        hub.checkRank(req.rank, "rank");
        const operation = checkOperation(req.operation);
        if (!req.tensor)
          throw new RpcError(grpc.status.INVALID_ARGUMENT, "AllReduceRequest.tensor is missing");
        const tensor = decodeTensor(req.tensor);
        checkAllRanksUp(state, "AllReduce");
        const result = encodeTensor(await hub.allReduce(req.rank, tensor, operation, signal));
        return {
          success: true,
          result: { data: result.data, shape: result.shape, dtype: result.dtype },
        };
      },
    ),

    Barrier: serveUnary<BarrierRequest, BarrierResponse>(state, device, async (req, signal) => {
      hub.checkRank(req.rank, "rank");
      checkAllRanksUp(state, "Barrier");
      return { success: true, participants: await hub.barrier(req.rank, req.barrier_id, signal) };
    }),
  };
}
