// The reference cluster in its own process for client.bench.ts, so the client's event loop
// measures only itself; answers clock pings and ground-truth lookups over IPC.
import { startReferenceCluster } from "@mlxbench/sim";
import { epochNow } from "../src/measure/index.js";

type Message = { type: "ping"; seq: number } | { type: "truth"; ids: string[] } | { type: "stop" };

const maxBatch = Number(process.argv[2] ?? "64");
const cluster = await startReferenceCluster({
  devices: 3,
  seed: 11,
  timing: { maxBatchSize: maxBatch },
});
const send = (m: unknown): void => {
  process.send?.(m);
};
process.on("message", (m: Message) => {
  if (m.type === "ping") send({ type: "pong", seq: m.seq, at: epochNow() });
  else if (m.type === "truth")
    send({ type: "truth", timings: m.ids.map((id) => cluster.groundTruth(id) ?? null) });
  else void cluster.stop().then(() => process.exit(0));
});
send({ type: "ready", apiUrl: cluster.apiUrl });
