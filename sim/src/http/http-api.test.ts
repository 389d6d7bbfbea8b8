import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceCluster, type ReferenceCluster } from "../start-reference-cluster.js";
import {
  anyNumber,
  anyString,
  arrayContaining,
  containing,
  countWords,
  parseSse,
  readAll,
} from "./test-support.js";

const MESSAGES = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Explain pipeline parallelism on Apple Silicon." },
];

function chat(cluster: ReferenceCluster, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${cluster.apiUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "sim", messages: MESSAGES, ...body }),
  });
}

async function getJson(cluster: ReferenceCluster, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${cluster.apiUrl}${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/json");
  return (await res.json()) as Record<string, unknown>;
}

interface Chunk {
  id: string;
  object: string;
  choices: {
    index: number;
    delta: { role?: string; content?: string };
    finish_reason: string | null;
  }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

describe("reference cluster HTTP API", () => {
  let cluster: ReferenceCluster;

  beforeAll(async () => {
    cluster = await startReferenceCluster({ devices: 3, seed: 11 });
  });
  afterAll(() => cluster.stop());

  it("GET / says it runs, and who it is", async () => {
    expect(await getJson(cluster, "/")).toEqual({
      message: anyString,
      status: "running",
      device_id: "mini1",
      role: "coordinator",
    });
  });

  it("GET /health is ready", async () => {
    const body = await getJson(cluster, "/health");
    expect(body).toEqual({
      status: "healthy",
      model_loaded: true,
      model_name: containing("mlx-community/"),
      device_id: "mini1",
      role: "coordinator",
      timestamp: anyString,
    });
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
  });

  it("GET /distributed/gpu-info has the contract's cluster_info and device entries", async () => {
    const body = await getJson(cluster, "/distributed/gpu-info");
    expect(body.cluster_info).toEqual({
      total_devices: 3,
      healthy_devices: 3,
      world_size: 3,
      gRPC_communication: "Active",
      aggregate_hardware: {
        total_gpu_cores: 60,
        total_cpu_cores: 42,
        total_memory_gb: 192,
        total_neural_engine_cores: 48,
        device_models: arrayContaining([containing("Mac mini")]),
      },
    });
    const devices = body.devices as Record<string, unknown>[];
    expect(devices.map((d) => d.device_id)).toEqual(["mini1", "mini2", "master"]);
    expect(devices[2]).toEqual({
      device_id: "master",
      rank: 2,
      role: "worker",
      hostname: "127.0.0.1",
      mlx_default_device: anyString,
      performance_test: {
        computation_time: anyNumber,
        test_size: anyNumber,
        status: "success",
        throughput_gflops: anyNumber,
      },
      system_memory: { total_gb: 64, available_gb: anyNumber, used_percent: anyNumber },
      hardware: {
        model: anyString,
        memory_gb: 64,
        gpu_cores: 20,
        cpu_cores: 14,
        cpu_performance_cores: 10,
        cpu_efficiency_cores: 4,
        neural_engine_cores: 16,
        bandwidth_gbps: 273,
        mlx_metal_available: true,
        max_recommended_model_size_gb: anyNumber,
      },
    });
  });

  it("GET /distributed/status lists every device at its gRPC address, with performance_stats", async () => {
    const body = await getJson(cluster, "/distributed/status");
    expect(body).toMatchObject({
      status: "operational",
      role: "coordinator",
      device_id: "mini1",
      rank: 0,
      world_size: 3,
      model_loaded: true,
    });
    const devices = body.devices as Record<string, unknown>[];
    expect(devices.map((d) => `${String(d.hostname)}:${String(d.port)}`)).toEqual(
      cluster.devices.map((d) => d.grpcAddress),
    );
    expect(Object.keys(devices[1] ?? {}).sort()).toEqual(
      [
        "device_id",
        "error",
        "hostname",
        "last_heartbeat",
        "port",
        "rank",
        "response_time",
        "role",
        "status",
      ].sort(),
    );
    expect(devices.every((d) => d.status === "healthy" && d.error === null)).toBe(true);
    expect(body.performance_stats).toMatchObject({
      device_rank: 0,
      device_id: "mini1",
      num_layers: 32,
      assigned_layers: Array.from({ length: 11 }, (_, i) => i),
      has_embedding: true,
      has_lm_head: false,
      sharding_strategy: anyString,
    });
    expect(Object.keys(body.performance_stats as object)).toHaveLength(14);
  });

  it("GET /v1/models lists the model", async () => {
    const body = await getJson(cluster, "/v1/models");
    expect(body).toEqual({
      object: "list",
      data: [
        {
          id: anyString,
          object: "model",
          created: anyNumber,
          owned_by: anyString,
          permission: [],
          root: anyString,
          parent: null,
        },
      ],
    });
  });

  it("answers a chat completion with exact usage and its ground truth", async () => {
    const res = await chat(cluster, { max_tokens: 9 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      id: string;
      object: string;
      choices: {
        index: number;
        message: { role: string; content: string };
        finish_reason: string;
      }[];
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      system_fingerprint: string;
    };
    expect(body).toMatchObject({
      object: "chat.completion",
      model: anyString,
      created: anyNumber,
      system_fingerprint: anyString,
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    const choice = body.choices[0];
    expect(choice?.message.role).toBe("assistant");
    expect(choice?.finish_reason).toBe("length");
    expect(countWords(choice?.message.content ?? "")).toBe(9);
    expect(body.usage.completion_tokens).toBe(9);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + 9);

    const truth = cluster.groundTruth(body.id);
    expect(truth?.outcome).toBe("complete");
    expect(truth?.tokens.map((t) => t.text).join(" ")).toBe(choice?.message.content);
    for (const token of truth?.tokens ?? [])
      expect(token.writtenAt).toBeGreaterThanOrEqual(token.generatedAt);
    const overHttp = await getJson(cluster, `/_sim/ground-truth/${body.id}`);
    expect(overHttp).toEqual(JSON.parse(JSON.stringify(truth)));
  });

  it("streams OpenAI SSE: comment, role chunk, multi-token content chunks, finish, usage, [DONE]", async () => {
    const res = await chat(cluster, {
      max_tokens: 40,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const { text, error } = await readAll(res);
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events[0]?.comment).toBe("keep-alive");
    const data = events.filter((e) => e.data !== null).map((e) => e.data ?? "");
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d) as Chunk);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant" });
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    const finish = chunks.at(-2);
    expect(finish?.choices[0]).toMatchObject({ delta: {}, finish_reason: "length" });
    const content = chunks.slice(1, -2).map((c) => c.choices[0]?.delta.content ?? "");
    expect(content.length).toBeGreaterThan(1);
    const perChunk = content.map(countWords);
    expect(Math.max(...perChunk)).toBeGreaterThan(1); // clients must count tokens, not chunks
    expect(perChunk.reduce((a, b) => a + b, 0)).toBe(40);
    expect(usageChunk?.usage?.completion_tokens).toBe(40);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);

    const truth = cluster.groundTruth(chunks[0]?.id ?? "");
    expect(truth?.tokens).toHaveLength(40);
    expect(truth?.tokens.map((t) => t.text).join(" ")).toBe(content.join(""));
    const written = truth?.tokens.map((t) => t.writtenAt) ?? [];
    expect(written.every((t, i) => i === 0 || t >= (written[i - 1] ?? 0))).toBe(true);
    expect(truth?.firstByteAt).toBeLessThanOrEqual(written[0] ?? 0);
    // each hand-off is bracketed, and a client that reads keeps every write out of the queue
    for (const token of truth?.tokens ?? [])
      expect(token.writeDoneAt).toBeGreaterThanOrEqual(token.writtenAt);
    expect(truth?.queuedWrites).toBeUndefined();
    // every token names the chunk that carried it
    expect(truth?.tokens.map((t) => t.chunk)).toEqual(
      perChunk.flatMap((n, i) => new Array<number>(n).fill(i)),
    );
  });

  it("drops a stream whose client went away and keeps serving", async () => {
    // The answer is 58 words, about 0.6 s of stream: held after its first token, it is still
    // open when the client goes away however late this process gets to run.
    cluster.faults.set({ stallMs: 600_000, stallAfterTokens: 1 });
    const controller = new AbortController();
    const res = await fetch(`${cluster.apiUrl}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: MESSAGES, stream: true, max_tokens: 500 }),
      signal: controller.signal,
    });
    cluster.faults.reset();
    const reader = res.body?.getReader();
    let text = "";
    while (!text.includes('"content"')) {
      const { value } = (await reader?.read()) as { value?: Uint8Array };
      text += new TextDecoder().decode(value);
    }
    const id = /"id":"(chatcmpl-[^"]+)"/.exec(text)?.[1] ?? "";
    controller.abort();
    while (cluster.groundTruth(id)?.outcome === "in-progress")
      await new Promise((r) => setTimeout(r, 10));
    const truth = cluster.groundTruth(id);
    expect(truth?.outcome).toBe("aborted");
    const written = truth?.tokens.filter((t) => Number.isFinite(t.writtenAt)) ?? [];
    // still serving: the same prompt answered whole, which the dropped stream never wrote
    const whole = await chat(cluster, { max_tokens: 500 });
    expect(whole.status).toBe(200);
    const { usage } = (await whole.json()) as { usage: { completion_tokens: number } };
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(usage.completion_tokens);
  });

  it("omits the usage chunk unless stream_options.include_usage is set", async () => {
    const { text } = await readAll(await chat(cluster, { max_tokens: 3, stream: true }));
    const data = parseSse(text).flatMap((e) =>
      e.data === null || e.data === "[DONE]" ? [] : [JSON.parse(e.data) as Chunk],
    );
    expect(data.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
  });

  it("gives the same words for the same prompt and seed", async () => {
    const a = (await (await chat(cluster, { max_tokens: 20 })).json()) as {
      choices: { message: { content: string } }[];
    };
    const b = (await (await chat(cluster, { max_tokens: 20 })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(b.choices[0]?.message.content).toBe(a.choices[0]?.message.content);
  });

  it.each([
    ["invalid JSON", "{not json", 400, /not valid JSON/],
    ["an empty body", "", 400, /empty/],
    ["a JSON array", "[]", 400, /JSON object/],
    [
      "empty messages",
      JSON.stringify({ model: "m", messages: [] }),
      400,
      /messages must not be empty/,
    ],
    ["no model", JSON.stringify({ messages: MESSAGES }), 400, /model/],
    ["n = 2", JSON.stringify({ model: "m", messages: MESSAGES, n: 2 }), 400, /n must be 1/],
    [
      "temperature 3",
      JSON.stringify({ model: "m", messages: MESSAGES, temperature: 3 }),
      400,
      /temperature/,
    ],
    [
      "an unknown role",
      JSON.stringify({ model: "m", messages: [{ role: "robot", content: "x" }] }),
      400,
      /messages\.0\.role/,
    ],
    [
      "max_tokens 0",
      JSON.stringify({ model: "m", messages: MESSAGES, max_tokens: 0 }),
      400,
      /max_tokens/,
    ],
  ])("answers %s with %i and a detail naming it", async (_name, body, status, detail) => {
    const res = await fetch(`${cluster.apiUrl}/v1/chat/completions`, { method: "POST", body });
    expect(res.status).toBe(status);
    const json = (await res.json()) as { detail: string };
    expect(json.detail).toMatch(detail);
  });

  it("answers unknown paths 404 and wrong methods 405, as JSON details", async () => {
    const missing = await fetch(`${cluster.apiUrl}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
    const wrong = await fetch(`${cluster.apiUrl}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { detail: string }).detail).toBe("Method Not Allowed");
  });

  it("reads and changes faults over /_sim/faults, refusing bad values", async () => {
    const set = await fetch(`${cluster.apiUrl}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ slowdown: 1.5 }),
    });
    expect(((await set.json()) as { slowdown: number }).slowdown).toBe(1.5);
    expect(cluster.faults.slowdown).toBe(1.5);
    const bad = await fetch(`${cluster.apiUrl}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/errorRate/);
    const unknown = await fetch(`${cluster.apiUrl}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ explode: true }),
    });
    expect(unknown.status).toBe(400);
    const reset = await fetch(`${cluster.apiUrl}/_sim/faults/reset`, { method: "POST" });
    expect(((await reset.json()) as { slowdown: number }).slowdown).toBe(1);
    expect(() => cluster.faults.set({ deviceDown: 3 })).toThrow(
      /deviceDown: rank 3 does not exist/,
    );
  });

  it("answers an unknown ground-truth id 404", async () => {
    const res = await fetch(`${cluster.apiUrl}/_sim/ground-truth/chatcmpl-nope`);
    expect(res.status).toBe(404);
    expect(cluster.groundTruth("chatcmpl-nope")).toBeUndefined();
  });
});

describe("reference cluster determinism and start-up", () => {
  it("two clusters with the same seed give the same words and the same modelled delays", async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const c = await startReferenceCluster({ devices: 3, seed: 77, noiseCv: 0.1 });
      try {
        const body = (await (await chat(c, { max_tokens: 15 })).json()) as {
          id: string;
          choices: { message: { content: string } }[];
        };
        const truth = c.groundTruth(body.id);
        runs.push({
          content: body.choices[0]?.message.content,
          delays: truth?.tokens.map((t) => t.modelledMs),
          prefill: truth?.prefillMs,
        });
      } finally {
        await c.stop();
      }
    }
    expect(runs[0]?.delays).toHaveLength(15);
    expect(runs[1]).toEqual(runs[0]);
  });

  it("reports initializing for loadMs after start, then becomes ready", async () => {
    const c = await startReferenceCluster({ devices: 1, loadMs: 150 });
    try {
      const first = (await (await fetch(`${c.apiUrl}/health`)).json()) as { model_loaded: boolean };
      expect(first.model_loaded).toBe(false);
      expect((await chat(c, {})).status).toBe(503);
      let loaded = false;
      while (!loaded) {
        await new Promise((r) => setTimeout(r, 25));
        loaded = ((await (await fetch(`${c.apiUrl}/health`)).json()) as { model_loaded: boolean })
          .model_loaded;
      }
      expect((await chat(c, { max_tokens: 2 })).status).toBe(200);
    } finally {
      await c.stop();
    }
  });

  it("describes itself at /_sim/info", async () => {
    const c = await startReferenceCluster({ devices: 2, seed: 3 });
    try {
      const info = (await (await fetch(`${c.apiUrl}/_sim/info`)).json()) as {
        seed: number;
        timing: { numLayers: number };
        devices: { grpc_address: string }[];
      };
      expect(info.seed).toBe(3);
      expect(info.timing.numLayers).toBe(32);
      expect(info.devices.map((d) => d.grpc_address)).toEqual(c.devices.map((d) => d.grpcAddress));
    } finally {
      await c.stop();
    }
  });
});

describe("reference cluster lifecycle", () => {
  it("stop() frees the HTTP and gRPC ports and can be called twice", async () => {
    const cluster = await startReferenceCluster({ devices: 2 });
    const ports = [
      Number(new URL(cluster.apiUrl).port),
      ...cluster.devices.map((d) => Number(d.grpcAddress.split(":")[1])),
    ];
    await cluster.stop();
    await cluster.stop();
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
      });
    }
    await expect(fetch(cluster.apiUrl)).rejects.toThrow();
  });

  it("listens on grpcPort + rank when a base port is given", async () => {
    const probe = createServer();
    const base = await new Promise<number>((resolve) =>
      probe.listen(0, "127.0.0.1", () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((r) => probe.close(r));
    const cluster = await startReferenceCluster({ devices: 2, grpcPort: base });
    try {
      expect(cluster.devices.map((d) => d.grpcAddress)).toEqual([
        `127.0.0.1:${base}`,
        `127.0.0.1:${base + 1}`,
      ]);
      expect(cluster.grpcTarget).toBe(`127.0.0.1:${base}`);
    } finally {
      await cluster.stop();
    }
  });

  it.each([
    [{ devices: 0 }, /devices must be an integer/],
    [{ httpPort: 70000 }, /httpPort/],
    [{ deviceDown: 5 }, /deviceDown: rank 5/],
    [{ errorRate: 1.5 }, /errorRate/],
    [{ noiseCv: -1 }, /noiseCv/],
    [{ timing: { decodeMsPerToken: Number.NaN } }, /timing.decodeMsPerToken/],
  ])("refuses bad options %j with the option's name", async (opts, message) => {
    await expect(startReferenceCluster(opts)).rejects.toThrow(message);
  });
});
