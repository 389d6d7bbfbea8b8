import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretLoadError } from "./errors.js";
import { createExtensionSecretFetcher, loadSecretsIntoEnv } from "./load-secrets-into-env.js";

// A stand-in for the Parameters and Secrets extension's local endpoint, over a real socket.
const SECRETS: Record<string, string> = { "arn:webhook": "s3cret", "arn:empty": "" };
let server: Server;
let port: number;
const seenTokens: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const token = req.headers["x-aws-parameters-secrets-token"];
    seenTokens.push(typeof token === "string" ? token : undefined);
    const id = url.searchParams.get("secretId") ?? "";
    if (url.pathname !== "/secretsmanager/get" || token !== "session-token") {
      res.writeHead(401).end("unauthorized");
    } else if (id in SECRETS) {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ARN: id, SecretString: SECRETS[id] }));
    } else if (id === "arn:binary") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ARN: id, SecretBinary: "AAEC" }));
    } else {
      res.writeHead(400).end("ResourceNotFoundException");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const fetcher = (token = "session-token") =>
  createExtensionSecretFetcher({ port, sessionToken: token });

describe("loadSecretsIntoEnv", () => {
  it("sets each named variable from its secret, sending the session token", async () => {
    const env: Record<string, string | undefined> = {
      MLXBENCH_SECRET_ARN_WEBHOOK_SECRET: "arn:webhook",
      OTHER: "x",
    };
    const set = await loadSecretsIntoEnv(env, fetcher());
    expect(set).toEqual(["WEBHOOK_SECRET"]);
    expect(env.WEBHOOK_SECRET).toBe("s3cret");
    expect(seenTokens.at(-1)).toBe("session-token");
  });

  it("keeps a value already in the environment", async () => {
    const env: Record<string, string | undefined> = {
      MLXBENCH_SECRET_ARN_WEBHOOK_SECRET: "arn:missing",
      WEBHOOK_SECRET: "local",
    };
    expect(await loadSecretsIntoEnv(env, fetcher())).toEqual([]);
    expect(env.WEBHOOK_SECRET).toBe("local");
  });

  it.each([
    [
      "a missing secret",
      "arn:missing",
      "session-token",
      /cannot read REDIS_URL from arn:missing: .*answered 400/,
    ],
    [
      "a wrong token",
      "arn:webhook",
      "wrong",
      /cannot read REDIS_URL from arn:webhook: .*answered 401/,
    ],
    ["a binary secret", "arn:binary", "session-token", /has no SecretString/],
    ["an empty secret", "arn:empty", "session-token", /REDIS_URL from arn:empty is empty/],
  ])("fails on %s, naming the variable", async (_case, arn, token, message) => {
    const env: Record<string, string | undefined> = { MLXBENCH_SECRET_ARN_REDIS_URL: arn };
    const attempt = loadSecretsIntoEnv(env, fetcher(token));
    await expect(attempt).rejects.toThrow(SecretLoadError);
    await expect(loadSecretsIntoEnv(env, fetcher(token))).rejects.toThrow(message);
    expect(env.REDIS_URL).toBeUndefined();
  });
});
