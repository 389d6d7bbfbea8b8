import { describe, expect, it } from "vitest";
import { HANDLED_EVENTS, isHandled, signPayload, verifySignature } from "./index.js";

const body = new TextEncoder().encode('{"zen":"Keep it logically awesome."}');

describe("verifySignature", () => {
  it("accepts the signature of any configured secret", () => {
    expect(verifySignature(body, signPayload(body, "old"), ["new", "old"])).toBe(true);
    expect(verifySignature(body, signPayload(body, "new"), ["new", "old"])).toBe(true);
  });

  it.each([
    ["another secret", signPayload(body, "other")],
    ["no signature", undefined],
    ["a truncated digest", signPayload(body, "new").slice(0, 20)],
    ["sha1", "sha1=" + "0".repeat(40)],
  ])("rejects %s", (_name, signature) => {
    expect(verifySignature(body, signature, ["new"])).toBe(false);
  });

  it("covers the exact bytes: a re-serialised body fails", () => {
    const signature = signPayload(body, "new");
    const reserialised = new TextEncoder().encode(
      JSON.stringify(JSON.parse(new TextDecoder().decode(body)), null, 1),
    );
    expect(verifySignature(reserialised, signature, ["new"])).toBe(false);
  });
});

describe("HANDLED_EVENTS", () => {
  it("lists what the triggers act on", () => {
    expect(Object.keys(HANDLED_EVENTS).sort()).toEqual([
      "check_run",
      "deployment_protection_rule",
      "issue_comment",
      "pull_request",
      "push",
    ]);
    expect(isHandled("pull_request", "synchronize")).toBe(true);
    expect(isHandled("pull_request", "closed")).toBe(false);
    expect(isHandled("push", undefined)).toBe(true);
    expect(isHandled("toString", undefined)).toBe(false);
  });
});
