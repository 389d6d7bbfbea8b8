import { describe, expect, it } from "vitest";
import { DEFAULT_STACK_CONFIG, readStackConfig, StackConfigError } from "./stack-config.js";

const from = (ctx: Record<string, unknown>) => readStackConfig((key) => ctx[key]);

describe("readStackConfig", () => {
  it("takes every default when no context is set", () => {
    expect(from({})).toEqual(DEFAULT_STACK_CONFIG);
  });

  it("reads -c strings and cdk.json numbers alike", () => {
    const config = from({
      prRunExpirationDays: "14",
      abortIncompleteUploadDays: 2,
      githubAppId: "12345",
      publicUrl: "https://bench.example.com/",
    });
    expect(config.prRunExpirationDays).toBe(14);
    expect(config.abortIncompleteUploadDays).toBe(2);
    expect(config.githubAppId).toBe(12345);
    expect(config.publicUrl).toBe("https://bench.example.com");
  });

  it("reads runner pools from -c as a comma list and from cdk.json as a list", () => {
    expect(from({ runnerPools: "m2-ultra-3x, m4-max-2x" }).runnerPools).toEqual([
      "m2-ultra-3x",
      "m4-max-2x",
    ]);
    expect(from({ runnerPools: ["nightly"] }).runnerPools).toEqual(["nightly"]);
  });

  it.each([
    ["prRunExpirationDays", "soon", /"prRunExpirationDays" must be an integer/],
    ["prRunExpirationDays", 0, /"prRunExpirationDays" must be an integer from 1/],
    ["githubAppId", "-3", /"githubAppId"/],
    ["publicUrl", "ftp://x", /"publicUrl" must be an http\(s\) URL/],
    ["queueName", "a:b", /"queueName"/],
    ["logRetentionDays", 31, /"logRetentionDays" must be one of .*30/],
    ["alarmEmail", "nobody", /"alarmEmail" must be an e-mail address/],
    ["logLevel", "loud", /"logLevel" must be one of/],
    ["githubOAuthClientId", "has spaces", /"githubOAuthClientId" must be a GitHub client id/],
    ["lambdaRuntime", "nodejs16.x", /"lambdaRuntime" must be one of nodejs22.x, nodejs24.x/],
    ["lambdaRuntime", "nodejs20.x", /"nodejs20.x" is refused: AWS deprecated it on 2026-04-30/],
    ["lambdaRuntime", "nodejs18.x", /"nodejs18.x" is refused: AWS deprecated it/],
    ["runnerPools", "m2 ultra", /runnerPools: "m2 ultra" is not a runner label/],
    ["runnerPools", ["a", "a"], /runnerPools: a label is listed twice/],
  ])("rejects %s=%j naming the key", (key, value, message) => {
    expect(() => from({ [key]: value })).toThrow(StackConfigError);
    expect(() => from({ [key]: value })).toThrow(message);
  });
});
