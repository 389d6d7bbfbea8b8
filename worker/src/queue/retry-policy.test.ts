import { UnrecoverableError, type JobsOptions } from "bullmq";
import { describe, expect, it } from "vitest";
import {
  applyRetryOptions,
  benchmarkJobRetryOptions,
  retryPolicyOf,
  unrecoverable,
} from "./retry-policy.js";

describe("the retry options of a benchmark job", () => {
  it.each<[string, JobsOptions, number, JobsOptions["backoff"]]>([
    [
      "a job without retries of its own gets the policy's",
      {},
      3,
      { type: "exponential", delay: 500 },
    ],
    [
      "BullMQ's default of 0 attempts counts as none",
      { attempts: 0 },
      3,
      { type: "exponential", delay: 500 },
    ],
    [
      "fewer attempts than the policy are raised to it",
      { attempts: 2 },
      3,
      { type: "exponential", delay: 500 },
    ],
    [
      "more attempts and an own backoff are kept",
      { attempts: 5, backoff: { type: "fixed", delay: 7 } },
      5,
      { type: "fixed", delay: 7 },
    ],
  ])("%s", (_what, opts, attempts, backoff) => {
    const job = { opts: { ...opts } };
    expect(applyRetryOptions(job, { attempts: 3, backoffMs: 500 })).toBe(attempts);
    expect(job.opts).toMatchObject({ attempts, backoff });
  });

  it("fills the worker's options with the defaults the config documents", () => {
    expect(retryPolicyOf({})).toEqual({ attempts: 3, backoffMs: 30_000 });
    expect(benchmarkJobRetryOptions(retryPolicyOf({ maxAttempts: 4, backoffMs: 10 }))).toEqual({
      attempts: 4,
      backoff: { type: "exponential", delay: 10 },
    });
  });

  it("fails a job for good with the error's message, and keeps the error as its cause", () => {
    const refused = Object.assign(new Error("GitHub refused the publication: 422"), {
      status: 422,
    });
    const e = unrecoverable(refused);
    expect(e).toBeInstanceOf(UnrecoverableError);
    expect(e.message).toBe("GitHub refused the publication: 422");
    expect(e.cause).toBe(refused);
  });
});
