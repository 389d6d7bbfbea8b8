// Helpers shared by the codec's tests (not exported from index.ts).
import type * as grpc from "@grpc/grpc-js";
import type { TensorValues } from "./dtype.js";

/** The values of any dtype as a plain array (bigint for int64). */
export function listOf(values: TensorValues): (number | bigint)[] {
  return Array.from(values as ArrayLike<number | bigint>);
}

/** A Float32Array holding exactly these bit patterns (NaN payloads included). */
export function floatsFromBits(bits: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

/** The bit patterns of float32 values, read through an integer view so NaN payloads survive. */
export function bitsOf(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

/** The serializers of one RPC of a loaded service definition, typed loosely as objects. */
export interface RpcCodec {
  serializeRequest(value: object): Buffer;
  deserializeRequest(bytes: Buffer): unknown;
  serializeResponse(value: object): Buffer;
  deserializeResponse(bytes: Buffer): unknown;
}

export function getRpcCodec(service: grpc.ServiceDefinition, method: string): RpcCodec {
  const def = service[method];
  if (!def) throw new Error(`service has no method ${method}`);
  return {
    serializeRequest: (value) => def.requestSerialize(value),
    deserializeRequest: (bytes) => def.requestDeserialize(bytes) as unknown,
    serializeResponse: (value) => def.responseSerialize(value),
    deserializeResponse: (bytes) => def.responseDeserialize(bytes) as unknown,
  };
}
