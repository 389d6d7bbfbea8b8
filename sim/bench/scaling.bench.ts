// Wall-clock check of the sim against its own timing model, over real sockets:
// single-request latency and throughput at concurrency 8 on 1 vs 3 devices (ratios, measured in
// this run), and how late a streaming client sees a token after the sim's ground truth says it
// was written. Run: npm run bench:sim
import {
  decodeStepCost,
  DEFAULT_TIMING,
  nowMs,
  startReferenceCluster,
  type ReferenceCluster,
} from "../src/index.js";

const TOKENS = 64;
const CONCURRENCY = 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

async function complete(cluster: ReferenceCluster, i: number): Promise<number> {
  const res = await fetch(`${cluster.apiUrl}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({
      model: "m",
      max_tokens: TOKENS,
      messages: [{ role: "user", content: `question ${i} about MLX` }],
    }),
  });
  const body = (await res.json()) as { usage: { completion_tokens: number } };
  return body.usage.completion_tokens;
}

async function measure(devices: number): Promise<{ latencyMs: number; tokensPerS: number }> {
  const cluster = await startReferenceCluster({ devices, seed: 1, noiseCv: 0.03 });
  try {
    await complete(cluster, -1); // warm up sockets and JIT
    const latencies: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = nowMs();
      await complete(cluster, i);
      latencies.push(nowMs() - start);
    }
    const rates: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = nowMs();
      const tokens = await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) => complete(cluster, 100 + i)),
      );
      rates.push(tokens.reduce((a, b) => a + b, 0) / ((nowMs() - start) / 1000));
    }
    return { latencyMs: median(latencies), tokensPerS: median(rates) };
  } finally {
    await cluster.stop();
  }
}

/** Client receive time minus ground-truth write time for every streamed token. */
async function measureLag(): Promise<number[]> {
  const cluster = await startReferenceCluster({ devices: 3, seed: 2 });
  const lags: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${cluster.apiUrl}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({
          model: "m",
          stream: true,
          max_tokens: TOKENS,
          messages: [{ role: "user", content: `lag ${i}` }],
        }),
      });
      const reader = res.body?.getReader();
      if (!reader) throw new Error("no body");
      const decoder = new TextDecoder();
      let buffer = "";
      let id = "";
      const arrivals: number[] = []; // one entry per token, in order
      for (;;) {
        const { done, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
        const at = nowMs();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
          const chunk = JSON.parse(event.slice(6)) as {
            id: string;
            choices: { delta: { content?: string } }[];
          };
          id = chunk.id;
          const words = (chunk.choices[0]?.delta.content ?? "").split(/\s+/).filter(Boolean).length;
          for (let w = 0; w < words; w++) arrivals.push(at);
        }
      }
      const truth = cluster.groundTruth(id);
      truth?.tokens.forEach((t, k) => lags.push((arrivals[k] ?? Number.NaN) - t.writtenAt));
    }
  } finally {
    await cluster.stop();
  }
  return lags;
}

const one = await measure(1);
const three = await measure(3);
const modelledLatency =
  decodeStepCost(DEFAULT_TIMING, 3, 1).totalMs / decodeStepCost(DEFAULT_TIMING, 1, 1).totalMs;
const modelledThroughput =
  decodeStepCost(DEFAULT_TIMING, 1, CONCURRENCY).totalMs /
  decodeStepCost(DEFAULT_TIMING, 3, CONCURRENCY).totalMs;
const lags = await measureLag();

console.log(
  `single request, ${TOKENS} tokens: 1 device ${one.latencyMs.toFixed(1)} ms, 3 devices ${three.latencyMs.toFixed(1)} ms`,
);
console.log(
  `concurrency ${CONCURRENCY}: 1 device ${one.tokensPerS.toFixed(0)} tok/s, 3 devices ${three.tokensPerS.toFixed(0)} tok/s`,
);
console.log(
  `modelled decode-step ratios: latency 3v1 ${modelledLatency.toFixed(3)}, throughput 3v1 ${modelledThroughput.toFixed(3)}`,
);
console.log(
  `client lag after ground-truth write: p50 ${median(lags).toFixed(3)} ms, p99 ${quantile(lags, 0.99).toFixed(3)} ms (${lags.length} tokens)`,
);
console.log(
  `RESULT sim_latency_3v1=${(three.latencyMs / one.latencyMs).toFixed(3)} modelled_latency_3v1=${modelledLatency.toFixed(3)} ` +
    `sim_throughput_c8_3v1=${(three.tokensPerS / one.tokensPerS).toFixed(3)} modelled_throughput_c8_3v1=${modelledThroughput.toFixed(3)} ` +
    `ground_truth_lag_p50_ms=${median(lags).toFixed(3)}`,
);
