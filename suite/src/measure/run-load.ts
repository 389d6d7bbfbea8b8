import { availableParallelism, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher } from "undici";
import { planArrivals } from "./arrival-schedule.js";
import {
  assessCalibration,
  startEventLoopMonitor,
  type ClientCalibration,
} from "./client-calibration.js";
import { computeLoadMetrics, type LoadMetrics } from "./compute-load-metrics.js";
import { discoverModel } from "./discover-model.js";
import { observeGcPauses } from "./observe-gc-pauses.js";
import { epochNow } from "./epoch-now.js";
import { DEFAULT_PROMPTS, type PromptSpec } from "./prompt-spec.js";
import type { RequestRecord } from "./request-record.js";
import { ReaderThread } from "./reader-thread.js";
import { resolveReadIn, sendChatCompletion } from "./send-chat-completion.js";
import { summarize } from "./summarize.js";
import type { LoadOptions } from "./load-options.js";
import { validateLoadOptions } from "./validate-load-options.js";

export type { LoadOptions } from "./load-options.js";

export interface LoadResult {
  /** Measured requests in index order; warmup requests are in warmupRecords. */
  records: RequestRecord[];
  warmupRecords: RequestRecord[];
  metrics: LoadMetrics;
  calibration: ClientCalibration;
  model: string;
  /** Epoch ms when the measured phase began. */
  startedAtMs: number;
  /** The measured window: first intended start to last end. */
  durationMs: number;
  warnings: string[];
}

/** A caller's own clock or dispatcher lives on this thread, so the run reads in "main". */
export interface LoadDeps {
  now?: () => number;
  dispatcher?: Dispatcher;
  /**
   * Told the reader thread's Linux thread id once it runs (undefined elsewhere), before any
   * request: for a caller that places the client's threads on CPUs (bench:client does).
   */
  onReaderThread?: (tid: number | undefined) => void;
}

type Send = (index: number, intendedStartMs: number, warmup: boolean) => Promise<RequestRecord>;

/**
 * Runs a load against an OpenAI-compatible server and measures it. Fixed concurrency keeps
 * that many requests in flight (closed loop); a rate sends on a schedule whatever the server
 * does (open loop), and every latency counts from the intended start, so queueing shows.
 */
export async function runLoad(opts: LoadOptions, deps: LoadDeps = {}): Promise<LoadResult> {
  validateLoadOptions(opts);
  const readIn = resolveReadIn({ readIn: opts.readIn, dispatcher: deps.dispatcher, now: deps.now });
  const now = deps.now ?? epochNow;
  // One pool per run, unlimited connections: a shared pool's limit would cap concurrency.
  const ownDispatcher =
    deps.dispatcher === undefined ? new Agent({ connections: null, pipelining: 1 }) : undefined;
  const dispatcher: Dispatcher = deps.dispatcher ?? (ownDispatcher as Dispatcher);
  const warnings: string[] = [];
  let reader: ReaderThread | undefined;
  try {
    if (readIn === "thread") {
      reader = await ReaderThread.start();
      deps.onReaderThread?.(reader.tid);
    }
    let model = opts.model;
    if (model === undefined) {
      const found = await discoverModel(opts.baseUrl, dispatcher);
      if ("model" in found) model = found.model;
      else {
        model = "default";
        warnings.push(`${found.problem}; sending model "default"`);
      }
    }
    const prompts = opts.prompts ?? DEFAULT_PROMPTS;
    let stream = opts.stream ?? true;
    let fellBack = false;
    const send: Send = async (index, intendedStartMs, warmup) => {
      const prompt = prompts[index % prompts.length] ?? DEFAULT_PROMPTS[0];
      const sendOpts: Parameters<typeof sendChatCompletion>[0] = {
        baseUrl: opts.baseUrl,
        model: model ?? "default",
        prompt: prompt as PromptSpec,
        stream,
        id: `${warmup ? "warmup" : "req"}-${index}`,
        intendedStartMs,
      };
      if (reader !== undefined) sendOpts.reader = reader;
      else {
        sendOpts.readIn = "main";
        sendOpts.dispatcher = dispatcher;
        sendOpts.now = now;
      }
      if (opts.timeoutMs !== undefined) sendOpts.timeoutMs = opts.timeoutMs;
      if (opts.signal !== undefined) sendOpts.signal = opts.signal;
      const record = await sendChatCompletion(sendOpts);
      if (record.streamFallback === true) {
        stream = false;
        fellBack = true;
      }
      return record;
    };

    const warmupCount = opts.warmupRequests ?? 0;
    const warmupConcurrency = opts.load.kind === "concurrency" ? opts.load.concurrency : 1;
    const warmupRecords = await runClosedLoop(
      warmupCount,
      warmupConcurrency,
      Infinity,
      now,
      send,
      true,
      opts.signal,
    );

    await reader?.startLagMonitor();
    const monitor = startEventLoopMonitor();
    // Reading in main, this thread stamps: its GC pauses are the stamps' (the reader thread reports its own).
    const mainGc = reader === undefined ? observeGcPauses() : undefined;
    const startedAtMs = now();
    const deadline = opts.maxDurationMs === undefined ? Infinity : startedAtMs + opts.maxDurationMs;
    const progress = (done: number): void => opts.onProgress?.(done, opts.requests);
    const records =
      opts.load.kind === "concurrency"
        ? await runClosedLoop(
            opts.requests,
            opts.load.concurrency,
            deadline,
            now,
            send,
            false,
            opts.signal,
            progress,
          )
        : await runOpenLoop(
            planArrivals(
              opts.requests,
              opts.load.requestsPerSecond,
              opts.load.arrival,
              opts.seed ?? 1,
            ),
            startedAtMs,
            deadline,
            now,
            send,
            opts.signal,
            progress,
          );
    const eventLoopLagMs = monitor.stop();
    const stampThread =
      reader === undefined
        ? { lag: eventLoopLagMs, gcPauses: (await mainGc?.stop()) ?? [] }
        : await reader.stopLagMonitor();
    const stampLagMs = stampThread.lag;

    const durationMs = measuredWindow(records, startedAtMs, now);
    const metrics = computeLoadMetrics(records, durationMs, opts.slo);
    const dispatchLags = records
      .filter((r) => r.sentMs > 0)
      .map((r) => r.sentMs - r.intendedStartMs);
    const calibration = assessCalibration({
      readIn,
      dispatchLagMs: summarize(dispatchLags),
      eventLoopLagMs,
      stampLagMs,
      stampGcPauses: stampThread.gcPauses,
      itlMs: metrics.itlMs,
      ttftMs: metrics.ttftMs,
      e2eMs: metrics.e2eMs,
      machine: { loadAvg1: loadavg()[0] ?? 0, cores: availableParallelism() },
    });

    if (fellBack) {
      warnings.push(
        "the server answered 501 to stream: true; measured without streaming, so TTFT, ITL and TPOT were not measurable",
      );
    } else if ((opts.stream ?? true) && records.some((r) => r.ok && !r.streamed)) {
      warnings.push(
        "the server answered stream: true with a JSON body; TTFT, ITL and TPOT were not measurable for those requests",
      );
    }
    const ok = records.filter((r) => r.ok);
    const counted = ok.filter((r) => r.tokenSource === "counted").length;
    if (counted > 0) {
      warnings.push(
        `${counted} of ${ok.length} successful requests had no usage from the server; their output tokens are a heuristic count (docs/metrics.md)`,
      );
    }
    if (records.length < opts.requests) {
      warnings.push(
        `${records.length} of ${opts.requests} requests were started before ${opts.signal?.aborted === true ? "the run was aborted" : `maxDurationMs (${opts.maxDurationMs} ms)`}`,
      );
    }
    if (calibration.warning !== undefined) warnings.push(calibration.warning);
    return {
      records,
      warmupRecords,
      metrics,
      calibration,
      model,
      startedAtMs,
      durationMs,
      warnings,
    };
  } finally {
    await reader?.close();
    await ownDispatcher?.close();
  }
}

async function runClosedLoop(
  total: number,
  concurrency: number,
  deadline: number,
  now: () => number,
  send: Send,
  warmup: boolean,
  signal: AbortSignal | undefined,
  progress?: (done: number) => void,
): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (next >= total || signal?.aborted === true) return;
      const intended = now();
      if (intended >= deadline) return;
      const index = next++;
      records[index] = await send(index, intended, warmup);
      progress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return records;
}

async function runOpenLoop(
  offsets: readonly number[],
  startMs: number,
  deadline: number,
  now: () => number,
  send: Send,
  signal: AbortSignal | undefined,
  progress: (done: number) => void,
): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  const inFlight: Promise<void>[] = [];
  let done = 0;
  for (let index = 0; index < offsets.length; index++) {
    const intended = startMs + (offsets[index] ?? 0);
    if (intended >= deadline || signal?.aborted === true) break;
    // Node's timers run on the loop's whole-millisecond clock and can fire up to 1 ms early: wait again.
    let aborted = false;
    for (let wait = intended - now(); wait > 0 && !aborted; wait = intended - now()) {
      try {
        await sleep(Math.ceil(wait), undefined, signal === undefined ? undefined : { signal });
      } catch {
        aborted = true; // aborted while waiting for the next arrival
      }
    }
    if (aborted) break;
    // The request keeps its intended start even when the timer fired late.
    inFlight.push(
      send(index, intended, false).then((record) => {
        records[index] = record;
        progress(++done);
      }),
    );
  }
  await Promise.all(inFlight);
  return records;
}

function measuredWindow(
  records: readonly RequestRecord[],
  startedAtMs: number,
  now: () => number,
): number {
  if (records.length === 0) return Math.max(0, now() - startedAtMs);
  let first = Infinity;
  let last = -Infinity;
  for (const r of records) {
    if (r.intendedStartMs < first) first = r.intendedStartMs;
    if (r.endMs > last) last = r.endMs;
  }
  return Math.max(0, last - first);
}
