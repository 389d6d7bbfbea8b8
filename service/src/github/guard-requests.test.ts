import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubQuotaExceededError, GitHubRateLimitedError } from "../errors.js";
import {
  createRequestGuard,
  rateLimitedUntil,
  type RequestGuardOptions,
} from "./guard-requests.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A real HTTP server that counts requests and answers with `handle`. */
async function serve(handle: Handler): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => handle(req, res));
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

function client(url: string, options: Partial<RequestGuardOptions> = {}): Octokit {
  const octokit = new Octokit({ baseUrl: url, auth: "token" });
  const guard = createRequestGuard({
    retries: 0,
    retryBaseMs: 1,
    writeConcurrency: 4,
    writesPerMinute: 80,
    writesPerHour: 500,
    ...options,
  });
  octokit.hook.wrap("request", (request, endpoint) => guard(request, endpoint));
  return octokit;
}

const createCheck = (o: Octokit) =>
  o.rest.checks.create({ owner: "o", repo: "r", name: "x", head_sha: "a".repeat(40) });

describe("createRequestGuard", () => {
  it("refuses a write past the per-minute quota without sending it, and admits again later", async () => {
    const { url, seen } = await serve((_req, res) => json(res, 201, { id: 1 }));
    let now = 1_000_000;
    const o = client(url, { writesPerMinute: 2, now: () => now });
    await createCheck(o);
    await createCheck(o);
    await expect(createCheck(o)).rejects.toBeInstanceOf(GitHubQuotaExceededError);
    expect(seen).toHaveLength(2);
    // Reads are not content-creating: they still go out.
    await o.rest.checks.get({ owner: "o", repo: "r", check_run_id: 1 });
    now += 60_000;
    await createCheck(o);
    expect(seen).toHaveLength(4);
  });

  it("holds every request back after GitHub answers a secondary rate limit", async () => {
    const { url, seen } = await serve((_req, res) =>
      json(
        res,
        403,
        { message: "You have exceeded a secondary rate limit" },
        { "retry-after": "30" },
      ),
    );
    let now = 5_000_000;
    const o = client(url, { retries: 3, now: () => now });
    await expect(createCheck(o)).rejects.toMatchObject({ status: 403 });
    const held = await createCheck(o).catch((err: unknown) => err);
    expect(held).toBeInstanceOf(GitHubRateLimitedError);
    expect((held as GitHubRateLimitedError).until.getTime()).toBe(5_030_000);
    expect(seen).toHaveLength(1);
    now += 30_000;
    await expect(createCheck(o)).rejects.toMatchObject({ status: 403 });
    expect(seen).toHaveLength(2);
  });

  it("retries a 5xx but not a 4xx", async () => {
    let calls = 0;
    const { url, seen } = await serve((req, res) => {
      calls++;
      if (req.url?.includes("/check-runs/9")) return json(res, 404, { message: "Not Found" });
      return calls === 1 ? json(res, 502, { message: "bad gateway" }) : json(res, 201, { id: 2 });
    });
    const o = client(url, { retries: 2 });
    expect((await createCheck(o)).data).toEqual({ id: 2 });
    expect(seen).toHaveLength(2);
    await expect(
      o.rest.checks.get({ owner: "o", repo: "r", check_run_id: 9 }),
    ).rejects.toMatchObject({ status: 404 });
    expect(seen).toHaveLength(3);
  });

  it("keeps at most writeConcurrency writes in flight, and queues the rest instead of failing", async () => {
    let inFlight = 0;
    let most = 0;
    const { url } = await serve((_req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 201, { id: 3 });
      }, 20);
    });
    const o = client(url, { writeConcurrency: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, () => createCheck(o)));
    expect(results).toHaveLength(6);
    expect(most).toBe(2);
  });

  it.each([
    ["403 with retry-after", 403, { "retry-after": "7" }, "", 1000 + 7000],
    ["429 without headers", 429, {}, "", 1000 + 60_000],
    [
      "exhausted primary limit",
      403,
      { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "50" },
      "",
      50_000,
    ],
    ["secondary limit message", 403, {}, "You have exceeded a secondary rate limit", 61_000],
    ["a permission 403", 403, {}, "Resource not accessible by integration", undefined],
    ["a 500", 500, { "retry-after": "7" }, "", undefined],
  ])("reads %s", (_name, status, headers, message, until) => {
    const err = Object.assign(new Error(message), { status, response: { headers } });
    expect(rateLimitedUntil(err, 1000)).toBe(until);
  });
});
