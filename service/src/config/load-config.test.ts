import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.js";

const KEY = "-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----";
const valid = {
  WEBHOOK_SECRET: "new, old",
  GITHUB_APP_ID: "12",
  GITHUB_PRIVATE_KEY: KEY,
  PUBLIC_URL: "https://x.example/",
};

describe("loadConfig", () => {
  it("reads secrets for rotation, unescapes the key and applies defaults", () => {
    const c = loadConfig(valid);
    expect(c.WEBHOOK_SECRET).toEqual(["new", "old"]);
    expect(c.GITHUB_PRIVATE_KEY).toContain("\nabc\n");
    expect(c).toMatchObject({
      REDIS_URL: "redis://127.0.0.1:6379",
      QUEUE_NAME: "mlxbench-default",
      RUN_ON_DRAFTS: false,
      PUBLIC_URL: "https://x.example",
    });
  });

  it.each([
    [{ WEBHOOK_SECRET: undefined }, "WEBHOOK_SECRET is required"],
    [{ WEBHOOK_SECRET: " , " }, "WEBHOOK_SECRET needs at least one"],
    [{ GITHUB_APP_ID: undefined }, "GITHUB_APP_ID is required"],
    [{ GITHUB_APP_ID: "abc" }, "GITHUB_APP_ID must be a number"],
    [{ GITHUB_PRIVATE_KEY: "secret" }, "GITHUB_PRIVATE_KEY must be a PEM"],
    [{ PUBLIC_URL: "not a url" }, "PUBLIC_URL must be an absolute URL"],
    [{ REDIS_URL: "http://x" }, "REDIS_URL must start with redis://"],
    [{ QUEUE_NAME: "a:b" }, "QUEUE_NAME may only hold"],
    [{ RUN_ON_DRAFTS: "maybe" }, "RUN_ON_DRAFTS"],
  ])("names the variable in %j", (patch, message) => {
    expect(() => loadConfig({ ...valid, ...patch })).toThrow(message);
  });
});
