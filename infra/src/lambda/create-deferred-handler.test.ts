import { describe, expect, it } from "vitest";
import { createDeferredHandler, type Handler } from "./create-deferred-handler.js";
import { publicUrlFromEvent } from "./public-url-from-event.js";

const ok: Handler = () => Promise.resolve("ok");
const urlEvent = { requestContext: { domainName: "abc123.lambda-url.eu-west-1.on.aws" } };

describe("createDeferredHandler", () => {
  it("prepares once, loads once, and learns PUBLIC_URL from the request", async () => {
    const env: Record<string, string | undefined> = {};
    const calls: string[] = [];
    const handler = createDeferredHandler({
      env,
      prepare: () => {
        calls.push(`prepare PUBLIC_URL=${env.PUBLIC_URL ?? "-"}`);
        return Promise.resolve();
      },
      load: () => {
        calls.push("load");
        const inner: Handler = (event) => Promise.resolve({ seen: event });
        return Promise.resolve(inner);
      },
    });
    expect(await handler(urlEvent, {})).toEqual({ seen: urlEvent });
    expect(await handler({ other: 1 }, {})).toEqual({ seen: { other: 1 } });
    expect(calls).toEqual([
      "prepare PUBLIC_URL=https://abc123.lambda-url.eu-west-1.on.aws",
      "load",
    ]);
  });

  it("keeps a configured PUBLIC_URL", async () => {
    const env: Record<string, string | undefined> = { PUBLIC_URL: "https://bench.example.com" };
    const handler = createDeferredHandler({
      env,
      prepare: () => Promise.resolve(),
      load: () => Promise.resolve(ok),
    });
    await handler(urlEvent, {});
    expect(env.PUBLIC_URL).toBe("https://bench.example.com");
  });

  it("retries a failed start on the next request", async () => {
    let attempts = 0;
    const handler = createDeferredHandler({
      env: {},
      prepare: () => {
        attempts += 1;
        return attempts === 1
          ? Promise.reject(new Error("extension not ready"))
          : Promise.resolve();
      },
      load: () => Promise.resolve(ok),
    });
    await expect(handler(urlEvent, {})).rejects.toThrow("extension not ready");
    expect(await handler(urlEvent, {})).toBe("ok");
    expect(attempts).toBe(2);
  });
});

describe("publicUrlFromEvent", () => {
  it.each([
    [urlEvent, "https://abc123.lambda-url.eu-west-1.on.aws"],
    [{ requestContext: { domainName: "evil.com/path?x" } }, undefined],
    [{ requestContext: {} }, undefined],
    [null, undefined],
  ])("%j → %s", (event, expected) => {
    expect(publicUrlFromEvent(event)).toBe(expected);
  });
});
