import * as grpc from "@grpc/grpc-js";
import type { AllReduceOperation, HostTensor, TensorValues } from "@mlxbench/proto";
import { RpcError } from "./rpc-support.js";

export const REDUCE_OPERATIONS: readonly AllReduceOperation[] = ["sum", "mean", "max", "min"];

export function checkOperation(operation: string): AllReduceOperation {
  if ((REDUCE_OPERATIONS as readonly string[]).includes(operation))
    return operation as AllReduceOperation;
  throw new RpcError(
    grpc.status.INVALID_ARGUMENT,
    `unknown AllReduce operation ${JSON.stringify(operation)}; expected one of ${REDUCE_OPERATIONS.join(", ")}`,
  );
}

/**
 * Element-wise reduction of same-shape, same-dtype tensors, in the dtype's own arithmetic:
 * int32 and uint8 wrap as numpy's do, int64 is exact (BigInt), integer means truncate toward
 * zero, and bool sum/max are OR, min is AND.
 */
export function reduceTensors(
  tensors: readonly HostTensor[],
  operation: AllReduceOperation,
): HostTensor {
  const first = tensors[0];
  if (!first)
    throw new RpcError(grpc.status.INVALID_ARGUMENT, "AllReduce needs at least one tensor");
  for (const [i, t] of tensors.entries()) {
    if (
      t.dtype !== first.dtype ||
      t.shape.length !== first.shape.length ||
      t.shape.some((d, k) => d !== first.shape[k])
    ) {
      throw new RpcError(
        grpc.status.INVALID_ARGUMENT,
        `AllReduce contributions differ: contribution ${i} is ${t.dtype}[${t.shape.join(", ")}], ` +
          `the first is ${first.dtype}[${first.shape.join(", ")}]`,
      );
    }
  }
  if (first.dtype === "bool" && operation === "mean") {
    throw new RpcError(
      grpc.status.INVALID_ARGUMENT,
      "AllReduce mean is not defined for bool tensors",
    );
  }
  const n = first.values.length;
  const values = cloneEmpty(first.values);
  if (values instanceof BigInt64Array) {
    const sources = tensors.map((t) => t.values as BigInt64Array);
    for (let i = 0; i < n; i++) {
      let acc = sources[0]?.[i] ?? 0n;
      for (let s = 1; s < sources.length; s++) {
        const v = sources[s]?.[i] ?? 0n;
        acc =
          operation === "max"
            ? v > acc
              ? v
              : acc
            : operation === "min"
              ? v < acc
                ? v
                : acc
              : acc + v;
      }
      values[i] =
        operation === "mean"
          ? BigInt.asIntN(64, acc / BigInt(sources.length))
          : BigInt.asIntN(64, acc);
    }
  } else {
    const sources = tensors.map((t) => t.values as Exclude<TensorValues, BigInt64Array>);
    const isInteger = !(values instanceof Float32Array);
    const isBool = first.dtype === "bool";
    for (let i = 0; i < n; i++) {
      let acc = sources[0]?.[i] ?? 0;
      for (let s = 1; s < sources.length; s++) {
        const v = sources[s]?.[i] ?? 0;
        if (operation === "max") acc = v > acc || Number.isNaN(v) ? v : acc;
        else if (operation === "min") acc = v < acc || Number.isNaN(v) ? v : acc;
        else acc += v;
      }
      if (operation === "mean")
        acc = isInteger ? Math.trunc(acc / sources.length) : acc / sources.length;
      if (isBool) acc = acc !== 0 ? 1 : 0;
      values[i] = acc;
    }
  }
  return { dtype: first.dtype, shape: [...first.shape], values };
}

function cloneEmpty(values: TensorValues): TensorValues {
  if (values instanceof Float32Array) return new Float32Array(values.length);
  if (values instanceof Int32Array) return new Int32Array(values.length);
  if (values instanceof BigInt64Array) return new BigInt64Array(values.length);
  return new Uint8Array(values.length);
}
