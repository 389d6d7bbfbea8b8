import { GitHubQuotaExceededError, GitHubRateLimitedError } from "../errors.js";
import { createSemaphore } from "./create-semaphore.js";
import { createSlidingWindow } from "./create-sliding-window.js";

/**
 * Rules for the requests of one installation, in place of @octokit/plugin-retry and
 * @octokit/plugin-throttling. Those queue every request through Bottleneck (a new limiter per
 * request for retries) and space writes ≥ 1 s apart, so a burst of deliveries on one installation
 * waited seconds for its check runs. Here:
 * - content-creating requests (POST/PATCH/PUT/DELETE) are admitted while the installation has
 *   made fewer than `writesPerMinute` (GitHub documents 80) and `writesPerHour` (500) of them, at
 *   most `writeConcurrency` at a time; past the quota a write fails at once, never sleeps, and the
 *   caller falls back (a job queued without its check run gets one from the worker);
 * - once GitHub answers a rate limit (403/429 with retry-after, an exhausted x-ratelimit-remaining,
 *   or a "secondary rate limit" message), the installation sends nothing until it lifts;
 * - 5xx and network failures are retried `retries` times after retryBaseMs × attempt², unless the
 *   caller's signal has given up.
 */
export interface RequestGuardOptions {
  retries: number;
  retryBaseMs: number;
  writeConcurrency: number;
  writesPerMinute: number;
  writesPerHour: number;
  now?: () => number;
  /** Told when a limit holds a request back, so the service can log it. */
  onLimit?: (event: LimitEvent) => void;
}

export interface LimitEvent {
  kind: "quota" | "rate-limited";
  request: string;
  until?: Date;
}

/** The parts of an Octokit request the guard reads. */
export interface GuardedRequest {
  method: string;
  url: string;
  request?: { signal?: AbortSignal | null | undefined } | undefined;
}

export type RequestGuard = <O extends GuardedRequest, R>(
  send: (options: O) => R | Promise<R>,
  options: O,
) => Promise<R>;

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);
/** GitHub: "If you receive a secondary rate limit without retry-after, wait at least one minute." */
const DEFAULT_HOLD_MS = 60_000;

export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const now = options.now ?? Date.now;
  const writeSlots = createSemaphore(options.writeConcurrency);
  const perMinute = createSlidingWindow(options.writesPerMinute, 60_000);
  const perHour = createSlidingWindow(options.writesPerHour, 3_600_000);
  let heldUntil = 0;

  return async function guard(send, request) {
    const signal = request.request?.signal ?? undefined;
    const isWrite = WRITES.has(request.method.toUpperCase());
    const label = `${request.method} ${request.url}`;
    for (let attempt = 0; ; attempt++) {
      const t = now();
      if (t < heldUntil) {
        const until = new Date(heldUntil);
        options.onLimit?.({ kind: "rate-limited", request: label, until });
        throw new GitHubRateLimitedError(until);
      }
      let release: (() => void) | undefined;
      if (isWrite) {
        if (!perMinute.hasRoom(t) || !perHour.hasRoom(t)) {
          options.onLimit?.({ kind: "quota", request: label });
          throw new GitHubQuotaExceededError(
            `not sent: ${label} would exceed ${options.writesPerMinute} writes a minute or ${options.writesPerHour} an hour for this installation`,
          );
        }
        perMinute.tryTake(t);
        perHour.tryTake(t);
        release = await writeSlots.acquire(signal);
      }
      try {
        return await send(request);
      } catch (err) {
        const until = rateLimitedUntil(err, now());
        if (until !== undefined) {
          heldUntil = Math.max(heldUntil, until);
          options.onLimit?.({ kind: "rate-limited", request: label, until: new Date(until) });
          throw err;
        }
        if (attempt >= options.retries || !isRetryable(err) || signal?.aborted) throw err;
      } finally {
        release?.();
      }
      await sleep(options.retryBaseMs * (attempt + 1) ** 2, signal);
    }
  };
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** 5xx, and Octokit's status 500 for a request that never got an answer. */
function isRetryable(err: unknown): boolean {
  const status = statusOf(err);
  return status !== undefined && status >= 500;
}

/** When GitHub says to stop sending: the end of the hold, or undefined when it is no limit. */
export function rateLimitedUntil(err: unknown, now: number): number | undefined {
  const status = statusOf(err);
  if (status !== 403 && status !== 429) return undefined;
  const headers =
    (err as { response?: { headers?: Record<string, string | number | undefined> } }).response
      ?.headers ?? {};
  const retryAfter = Number(headers["retry-after"]);
  if (headers["retry-after"] !== undefined && Number.isFinite(retryAfter))
    return now + retryAfter * 1000;
  if (String(headers["x-ratelimit-remaining"]) === "0") {
    const reset = Number(headers["x-ratelimit-reset"]);
    return Number.isFinite(reset) ? reset * 1000 : now + DEFAULT_HOLD_MS;
  }
  const message = err instanceof Error ? err.message : "";
  if (status === 429 || /secondary rate limit/i.test(message)) return now + DEFAULT_HOLD_MS;
  // A plain 403 is a permission answer, not a limit.
  return undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
