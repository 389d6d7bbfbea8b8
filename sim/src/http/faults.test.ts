import * as grpc from "@grpc/grpc-js";
import {
  callUnary,
  createDistributedInferenceClient,
  createTensorServiceClient,
} from "@mlxbench/proto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startReferenceCluster, type ReferenceCluster } from "../start-reference-cluster.js";
import { countWords, parseSse, readAll } from "./test-support.js";

const MESSAGES = [{ role: "user", content: "How fast is the cluster today?" }];

function chat(cluster: ReferenceCluster, body: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${cluster.apiUrl}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ model: "sim", messages: MESSAGES, max_tokens: 12, ...body }),
  });
}

async function completionId(res: Response): Promise<string> {
  return ((await res.json()) as { id: string }).id;
}

describe("faults", () => {
  let cluster: ReferenceCluster;

  beforeAll(async () => {
    cluster = await startReferenceCluster({ devices: 3, seed: 5 });
  });
  afterEach(() => {
    cluster.faults.reset();
  });
  afterAll(() => cluster.stop());

  it("a slowdown makes every modelled delay slower by its factor", async () => {
    // two clusters with the same seed see the same noise, so the ratio is the factor itself
    const base = await startReferenceCluster({ devices: 3, seed: 21 });
    const slow = await startReferenceCluster({ devices: 3, seed: 21, slowdown: 1.3 });
    try {
      const total = async (c: ReferenceCluster): Promise<number> => {
        const truth = c.groundTruth(await completionId(await chat(c, { max_tokens: 16 })));
        return (
          (truth?.overheadMs ?? 0) + (truth?.tokens.reduce((s, t) => s + t.modelledMs, 0) ?? 0)
        );
      };
      expect((await total(slow)) / (await total(base))).toBeCloseTo(1.3, 6);
    } finally {
      await Promise.all([base.stop(), slow.stop()]);
    }
  });

  it("an error rate fails about that fraction of completions with 500 and a detail", async () => {
    cluster.faults.errorRate = 0.2;
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await chat(cluster, { max_tokens: 1 });
      statuses.push(res.status);
      const body = (await res.json()) as { detail?: string };
      if (res.status === 500) expect(body.detail).toMatch(/injected error/);
    }
    const failed = statuses.filter((s) => s === 500).length;
    expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
    expect(failed).toBeGreaterThanOrEqual(10);
    expect(failed).toBeLessThanOrEqual(30);
  });

  it("a device down shows in health, status, gpu-info and its gRPC servers; inference fails", async () => {
    cluster.faults.deviceDown = 2;
    const health = (await (await fetch(`${cluster.apiUrl}/health`)).json()) as { status: string };
    expect(health.status).toBe("unhealthy");
    const status = (await (await fetch(`${cluster.apiUrl}/distributed/status`)).json()) as {
      devices: { rank: number; status: string; error: string | null }[];
    };
    expect(status.devices.map((d) => d.status)).toEqual(["healthy", "healthy", "unreachable"]);
    expect(status.devices[2]?.error).toMatch(/master/);
    const gpu = (await (await fetch(`${cluster.apiUrl}/distributed/gpu-info`)).json()) as {
      cluster_info: { healthy_devices: number; gRPC_communication: string };
    };
    expect(gpu.cluster_info).toMatchObject({ healthy_devices: 2, gRPC_communication: "Inactive" });

    const res = await chat(cluster);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /master \(rank 2\) is unreachable/,
    );

    const down = createDistributedInferenceClient(cluster.devices[2]?.grpcAddress ?? "");
    const up = createTensorServiceClient(cluster.devices[1]?.grpcAddress ?? "");
    try {
      await expect(callUnary(down, down.HealthCheck, {})).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
      });
      const cluster_ = await callUnary(up, up.GetClusterStatus, {});
      expect(cluster_.devices.map((d) => d.status)).toEqual(["healthy", "healthy", "unreachable"]);
      cluster.faults.deviceDown = null;
      expect((await callUnary(down, down.HealthCheck, {})).healthy).toBe(true);
    } finally {
      down.close();
      up.close();
    }
  });

  it("without streaming, stream: true is answered 501 and stream: false still works", async () => {
    cluster.faults.streaming = false;
    const res = await chat(cluster, { stream: true });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/[Ss]treaming/);
    expect((await chat(cluster)).status).toBe(200);
  });

  it("--no-streaming as an option does the same from the start", async () => {
    const noStream = await startReferenceCluster({ devices: 1, streaming: false });
    try {
      expect((await chat(noStream, { stream: true })).status).toBe(501);
    } finally {
      await noStream.stop();
    }
  });

  it("a stall stops writing mid-stream, then the held tokens come in one burst", async () => {
    cluster.faults.set({ stallMs: 120, stallAfterTokens: 3 });
    const res = await chat(cluster, { stream: true, max_tokens: 24 });
    const { text } = await readAll(res);
    const data = parseSse(text).filter((e) => e.data !== null && e.data !== "[DONE]");
    const id = (JSON.parse(data[0]?.data ?? "{}") as { id: string }).id;
    // A write the kernel could not take at once (the burst after the stall, on a busy machine) is
    // timed by its callback, which may run after this client has read the end of the stream.
    const truth = await waitForAllWrites(cluster, id);
    const written = truth?.tokens.map((t) => t.writtenAt) ?? [];
    // the first write at or after 3 tokens opens a gap of at least stallMs before the next one
    const gaps = written.slice(1).map((t, i) => t - (written[i] ?? 0));
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(120);
    const stalledAt = gaps.indexOf(Math.max(...gaps)) + 1;
    expect(stalledAt).toBeGreaterThanOrEqual(3);
    // tokens generated during the stall were written together
    expect(written.filter((t) => t === written[stalledAt]).length).toBeGreaterThan(1);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("malformed html: contract endpoints answer an HTML page with status 200", async () => {
    cluster.faults.malformed = "html";
    for (const res of [await fetch(`${cluster.apiUrl}/health`), await chat(cluster)]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/html/);
      const body = await res.text();
      expect(body).toMatch(/^<!DOCTYPE html>/);
      expect(() => JSON.parse(body) as unknown).toThrow();
    }
    expect((await fetch(`${cluster.apiUrl}/_sim/faults`)).headers.get("content-type")).toBe(
      "application/json",
    );
  });

  it("malformed broken-json: a non-streamed body does not parse; a streamed one has one bad chunk", async () => {
    cluster.faults.malformed = "broken-json";
    const plain = await chat(cluster);
    expect(plain.status).toBe(200);
    await expect(plain.json()).rejects.toThrow();

    const { text, error } = await readAll(await chat(cluster, { stream: true, max_tokens: 20 }));
    expect(error).toBeUndefined();
    const data = parseSse(text).flatMap((e) => (e.data === null ? [] : [e.data]));
    const unparsable = data.filter((d) => {
      try {
        JSON.parse(d);
        return false;
      } catch {
        return d !== "[DONE]";
      }
    });
    expect(unparsable).toHaveLength(1);
    expect(data.at(-1)).toBe("[DONE]");
  });

  it("malformed truncated: the body or stream is cut off midway, without [DONE]", async () => {
    cluster.faults.malformed = "truncated";
    const plain = await chat(cluster);
    const plainRead = await readAll(plain);
    expect(plainRead.error).toBeDefined();

    const res = await chat(cluster, { stream: true, max_tokens: 20 });
    const { text } = await readAll(res);
    expect(text).not.toContain("[DONE]");
    const chunks = parseSse(text).flatMap((e) =>
      e.data === null
        ? []
        : [JSON.parse(e.data) as { id: string; choices: { delta: { content?: string } }[] }],
    );
    const words = chunks.reduce((n, c) => n + countWords(c.choices[0]?.delta.content ?? ""), 0);
    expect(words).toBeGreaterThan(0);
    expect(words).toBeLessThan(20);
    expect(cluster.groundTruth(chunks[0]?.id ?? "")?.outcome).toBe("cut-off");
  });

  it("while initializing, chat answers 503 and health says the model is not loaded", async () => {
    cluster.faults.initializing = true;
    const res = await chat(cluster);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/not initialized/);
    const health = (await (await fetch(`${cluster.apiUrl}/health`)).json()) as {
      model_loaded: boolean;
    };
    expect(health.model_loaded).toBe(false);
    const status = (await (await fetch(`${cluster.apiUrl}/distributed/status`)).json()) as {
      status: string;
    };
    expect(status.status).toBe("initializing");
  });

  it("faults set in-process are visible over /_sim/faults", async () => {
    cluster.faults.set({ slowdown: 2, malformed: "truncated" });
    const faults = (await (await fetch(`${cluster.apiUrl}/_sim/faults`)).json()) as Record<
      string,
      unknown
    >;
    expect(faults).toMatchObject({ slowdown: 2, malformed: "truncated", errorRate: 0 });
    expect(() => {
      cluster.faults.slowdown = -1;
    }).toThrow(/slowdown/);
  });
});

async function waitForAllWrites(
  cluster: ReferenceCluster,
  id: string,
): Promise<ReturnType<ReferenceCluster["groundTruth"]>> {
  for (let i = 0; i < 100; i++) {
    const truth = cluster.groundTruth(id);
    if (truth?.tokens.every((t) => Number.isFinite(t.writtenAt))) return truth;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cluster.groundTruth(id);
}
