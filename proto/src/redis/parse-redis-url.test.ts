import { describe, expect, it } from "vitest";
import { parseRedisUrl } from "./parse-redis-url.js";

describe("parseRedisUrl", () => {
  it.each([
    ["redis://127.0.0.1:6379", { host: "127.0.0.1", port: 6379 }],
    ["redis://cache", { host: "cache", port: 6379 }],
    [
      "rediss://user:p%40ss@cache.example.com:6380/2",
      { host: "cache.example.com", port: 6380, username: "user", password: "p@ss", db: 2, tls: {} },
    ],
  ])("%s", (url, expected) => {
    expect(parseRedisUrl(url)).toEqual(expected);
  });
});
