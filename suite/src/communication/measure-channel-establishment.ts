import { createTensorServiceClient } from "@mlxbench/proto";
import { waitForChannel } from "../grpc-call.js";
import { TIMEOUT_MS } from "./communication-options.js";

/** Time to a connected channel on up to ten fresh ones; the first failure means nothing else can work. */
export async function measureChannelEstablishment(
  server: string,
  iterations: number,
  now: () => number,
): Promise<number[]> {
  const channelEstablishmentMs: number[] = [];
  const channels = Math.min(iterations, 10);
  for (let i = 0; i < channels; i++) {
    const client = createTensorServiceClient(server, {
      channelOptions: { "grpc.use_local_subchannel_pool": 1 },
    });
    const t0 = now();
    try {
      await waitForChannel(client, server, TIMEOUT_MS);
      channelEstablishmentMs.push(now() - t0);
    } finally {
      client.close();
    }
  }
  return channelEstablishmentMs;
}
