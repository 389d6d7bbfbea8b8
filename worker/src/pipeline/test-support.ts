// Test support (not exported from index.ts): a `.mlxbench.yml` that starts the reference cluster.
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { Logger } from "pino";
import { simBundlePath } from "@mlxbench/sim/entry";
import type { GitHubDouble } from "@mlxbench/sim/github";
import { createGitHubPublisher, createInstallationOctokit } from "../github/index.js";
import type { PipelineDeps } from "./index.js";

/** Devices of the test clusters (`--devices 3`): rank r listens on the gRPC base + r. */
const SIM_DEVICES = 3;
/** The lowest port simPorts picks: above the registered services most machines run. */
const LOWEST_TEST_PORT = 10_000;
/** Ports simPorts handed out in this process, never handed out twice. */
const handedOut = new Set<number>();

/**
 * The first port of the kernel's ephemeral range, which `listen(0)` and every outgoing connection
 * draw from: Linux's ip_local_port_range, else IANA's 49152 (macOS's default).
 */
export async function ephemeralRangeStart(
  rangeFile = "/proc/sys/net/ipv4/ip_local_port_range",
): Promise<number> {
  const first = Number((await readFile(rangeFile, "utf8").catch(() => "")).trim().split(/\s+/)[0]);
  return Number.isInteger(first) && first > LOWEST_TEST_PORT + 1000 ? first : 49_152;
}

async function canListen(port: number): Promise<boolean> {
  const srv = createServer();
  const ok = await new Promise<boolean>((r) => {
    srv.once("error", () => r(false));
    srv.listen(port, "127.0.0.1", () => r(true));
  });
  if (ok) await new Promise((r) => srv.close(r));
  return ok;
}

/**
 * Ports for a test's reference cluster: HTTP, and a gRPC base whose every rank port (base + r) is
 * free. They are picked below the ephemeral range: a base from `listen(0)` lies inside it, and so
 * do base + 1 and base + 2, where any outgoing connection of this machine (a suite's request, an
 * S3 upload) may hold its local port when the sim starts; rank 1 then cannot listen, the run
 * concludes without a result, and a PR judged against it finds "no archived runs".
 */
export async function simPorts(
  o: {
    devices?: number;
    /** The next base to try, given the range [lowest, end) (default: a random one). */
    candidate?: (lowest: number, end: number) => number;
    /** Ports already handed out, never handed out again (default: this process's). */
    handedOut?: Set<number>;
  } = {},
): Promise<{ http: number; grpc: number }> {
  const devices = o.devices ?? SIM_DEVICES;
  const taken = o.handedOut ?? handedOut;
  const end = await ephemeralRangeStart();
  const candidate =
    o.candidate ?? ((lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo)));
  const pick = async (count: number): Promise<number> => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const base = candidate(LOWEST_TEST_PORT, end - count);
      const ports = Array.from({ length: count }, (_, r) => base + r);
      if (ports.some((p) => taken.has(p))) continue;
      let free = true;
      for (const p of ports) if (!(free = await canListen(p))) break;
      if (!free) continue;
      for (const p of ports) taken.add(p);
      return base;
    }
    throw new Error(`no ${count} free ports in a row between ${LOWEST_TEST_PORT} and ${end}`);
  };
  return { http: await pick(1), grpc: await pick(devices) };
}

export interface SimConfigOptions {
  http: number;
  grpc: number;
  slowdown?: number;
  /** Replaces the start command (e.g. one that fails). */
  start?: string;
  /**
   * The first start of the cluster in a checkout runs this much slower, later starts at `slowdown`:
   * a one-off spike (a cold cluster, a background job) that a restart does not repeat.
   */
  firstStartSlowdown?: number;
  /** Extra top-level YAML appended as it is (e.g. a `confirmation:` section). */
  extraYaml?: string;
  readinessTimeoutS?: number;
  /** Also measure single-device mode: the same ports, one device (the modes never run together). */
  singleDevice?: boolean;
  /** Requests per latency measurement (default 20); tests of mechanics, not verdicts, need fewer. */
  inferenceIterations?: number;
  /** Repetitions of each throughput level and of the mode comparison (default 2). */
  iterationsPerformance?: number;
  /** The sim's --time-scale (default 0.2: tokens modelled 2x slower than the sim's default). */
  timeScale?: number;
  /** The config's test_prompts (default: none, the suite's built-in prompts of 32 to 256 tokens). */
  prompts?: readonly { name: string; prompt: string; max_tokens: number }[];
}

/** The reference cluster as the repository's cluster, with tiny iteration counts. */
export function simConfigYaml(o: SimConfigOptions): string {
  const sim = (slowdown: string) =>
    `exec node ${simBundlePath()} --devices ${SIM_DEVICES} --port ${o.http} --grpc-port ${o.grpc} --slowdown ${slowdown} --noise-cv 0.02 --time-scale ${o.timeScale ?? 0.2}`;
  const start =
    o.start ??
    (o.firstStartSlowdown === undefined
      ? sim(String(o.slowdown ?? 1))
      : `if [ -e .first-start-done ]; then s=${o.slowdown ?? 1}; else : > .first-start-done; s=${o.firstStartSlowdown}; fi; ${sim("$s")}`);
  const modes = o.singleDevice ? "[distributed, single-device]" : "[distributed]";
  const profile = `{ quick: true, modes: ${modes}, skip_communication: true, iterations_validation: 1, tensor_iterations: 3, inference_iterations: ${o.inferenceIterations ?? 20}, concurrent_requests: 2, iterations_performance: ${o.iterationsPerformance ?? 2} }`;
  return [
    "version: 1",
    "cluster:",
    `  readiness_timeout_s: ${o.readinessTimeoutS ?? 60}`,
    "  distributed:",
    `    start: ${JSON.stringify(start)}`,
    `    api_url: http://127.0.0.1:${o.http}`,
    `    grpc_target: 127.0.0.1:${o.grpc}`,
    ...(o.singleDevice
      ? [
          '  "single-device":',
          `    start: ${JSON.stringify(start.replace(`--devices ${SIM_DEVICES}`, "--devices 1"))}`,
          `    api_url: http://127.0.0.1:${o.http}`,
          `    grpc_target: 127.0.0.1:${o.grpc}`,
        ]
      : []),
    // The test machine is shared: load from other tests shifts latencies by a few percent, a 1.3×
    // slowdown by 30 %. A 15 % practical threshold tells them apart; tokens modelled 2x slower
    // than the sim's default (--time-scale 0.2) keep scheduling jitter small beside them.
    "thresholds:",
    "  default_pct: 15",
    "suite:",
    `  pull_request: ${profile}`,
    `  default_branch: ${profile}`,
    ...(o.prompts ? ["test_prompts:", ...o.prompts.map((p) => `  - ${JSON.stringify(p)}`)] : []),
    ...(o.extraYaml ? [o.extraYaml.trimEnd()] : []),
    "",
  ].join("\n");
}

/**
 * The reference cluster for tests of mechanics (pipeline.e2e, gate-reuse, run-job: none decides a
 * verdict): every component still runs and reports, on the fewest requests that give each metric
 * samples, short completions, and tokens at the sim's default speed. A close call is left inconclusive instead of
 * confirmed by up to 20 A/B pairs (the default max_pairs: 40 more suite runs that would decide nothing those tests assert;
 * the pipeline-confirmation files test the pairs).
 */
export function mechanicsConfigYaml(
  ports: { http: number; grpc: number },
  o: Pick<SimConfigOptions, "singleDevice"> = {},
): string {
  return simConfigYaml({
    ...ports,
    ...o,
    inferenceIterations: 4,
    iterationsPerformance: 1,
    timeScale: 0.1,
    prompts: MECHANICS_PROMPTS,
    extraYaml: "confirmation:\n  automatic: false\n",
  });
}

const MECHANICS_PROMPTS = [
  { name: "short_qa", prompt: "What is the capital of France?", max_tokens: 16 },
  { name: "short_explain", prompt: "Explain attention in one sentence.", max_tokens: 24 },
];

/** Publishes to the GitHub double as installation 1, without Octokit's own retries. */
export function publishToDouble(gh: GitHubDouble, logger: Logger): PipelineDeps["createPublisher"] {
  return (job) =>
    createGitHubPublisher({
      octokit: createInstallationOctokit({
        appId: gh.appId,
        privateKey: gh.privateKey,
        installationId: 1,
        baseUrl: gh.url,
        logger,
        retries: 0,
      }),
      job,
      checkName: "mlxbench",
      logger,
    });
}
