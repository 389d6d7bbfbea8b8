import { UnrecoverableError } from "bullmq";
import { describe, expect, it } from "vitest";
import { ClusterStartError } from "../cluster/index.js";
import { CloneTokenError } from "./checkout-commit.js";
import { classifyFailure, type FailureAction } from "./classify-failure.js";
import { PermanentJobError, TransientJobError, WorkerShutdownError } from "./errors.js";
import { SuiteProcessError } from "./run-suite-in-child.js";

const cases: [string, unknown, FailureAction, FailureAction][] = [
  // failure, on an attempt with more to come, on the last attempt
  ["the worker shutting down", new WorkerShutdownError("stopping"), "retry", "retry"],
  [
    "a transient fault (GitHub down, a fetch failed)",
    new TransientJobError("503"),
    "retry",
    "conclude",
  ],
  ["GitHub refusing for good", new PermanentJobError("422"), "fatal", "fatal"],
  ["BullMQ's own unrecoverable error", new UnrecoverableError("bad job"), "fatal", "fatal"],
  [
    "a cluster that did not start",
    new ClusterStartError("not ready", "distributed", ""),
    "conclude",
    "conclude",
  ],
  ["a refused clone token", new CloneTokenError("404"), "conclude", "conclude"],
  ["a cancel (a newer push)", new Error("Superseded by a newer push"), "conclude", "conclude"],
  [
    "a suite process crash not wrapped as transient",
    new SuiteProcessError("exit 1"),
    "conclude",
    "conclude",
  ],
  ["something thrown that is no Error", "boom", "conclude", "conclude"],
];

describe("classifyFailure", () => {
  it.each(cases)("%s: %s before the last attempt, %s on it", (_what, failure, before, last) => {
    expect(classifyFailure(failure, { lastAttempt: false })).toBe(before);
    expect(classifyFailure(failure, { lastAttempt: true })).toBe(last);
  });
});
