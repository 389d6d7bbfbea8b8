import { describe, expect, it } from "vitest";
import { loadWorkerConfig } from "./load-worker-config.js";

describe("loadWorkerConfig", () => {
  it("defaults to the local setup", () => {
    const c = loadWorkerConfig({});
    expect(c.QUEUE_NAME).toBe("mlxbench-default");
    expect(c.ARCHIVE_BUCKET).toBeUndefined();
    expect(c.ARCHIVE_DIR).toBe("./archive");
    expect(c.GITHUB_APP_ID).toBeUndefined();
    expect(c.RUNNER_LABELS).toBeUndefined();
  });

  it("reads a fleet runner's labels", () => {
    const c = loadWorkerConfig({ RUNNER_LABELS: "m2-ultra-3x, nightly", RUNNER_FINGERPRINT: "fp" });
    expect(c.RUNNER_LABELS).toEqual(["m2-ultra-3x", "nightly"]);
  });

  it.each([
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL must start with redis://"],
    [{ QUEUE_NAME: "a:b" }, "QUEUE_NAME may only hold"],
    [{ GITHUB_APP_ID: "12" }, "GITHUB_PRIVATE_KEY is required"],
    [
      { GITHUB_APP_ID: "x", GITHUB_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----" },
      "GITHUB_APP_ID must be a number",
    ],
    [{ S3_ENDPOINT: "http://127.0.0.1:4568" }, "ARCHIVE_BUCKET is required"],
    [{ S3_ENDPOINT: "not a url", ARCHIVE_BUCKET: "bucket" }, "S3_ENDPOINT must be a URL"],
    [{ PUBLIC_URL: "/relative" }, "PUBLIC_URL must be an absolute URL"],
    [{ LOCK_DURATION_MS: "-5" }, "LOCK_DURATION_MS"],
    [{ RUNNER_LABELS: "m2 ultra", RUNNER_FINGERPRINT: "fp" }, "RUNNER_LABELS: a runner label"],
    [{ RUNNER_LABELS: "a,a", RUNNER_FINGERPRINT: "fp" }, 'label "a" is listed twice'],
    [{ RUNNER_LABELS: "m2-ultra-3x" }, "RUNNER_FINGERPRINT is required when RUNNER_LABELS"],
  ])("names the variable in %j", (env, message) => {
    expect(() => loadWorkerConfig(env)).toThrow(message);
  });
});
