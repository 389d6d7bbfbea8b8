import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckoutInputError,
  describeConfigProblems,
  fetchCommit,
  readRepoConfig,
  RefNotFoundError,
  resolveRef,
  type FetchCommitOptions,
} from "./index.js";
import { GitError } from "./run-git.js";
import { createFixtureRepo, startGitHttpServer, type FixtureRepo } from "./test-support.js";

let tmp: string;
let origin: FixtureRepo;
let base: string;
let head: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "checkout-test-"));
  origin = await createFixtureRepo(join(tmp, "origin"));
  base = await origin.commit({
    "README.md": "base\n",
    ".mlxbench.yml": "cluster:\n  readiness_timeout_s: 5\n",
  });
  await origin.branch("feature");
  await origin.checkout("feature");
  head = await origin.commit({
    "README.md": "head\n",
    ".mlxbench.yml": "cluster:\n  readiness_timeout_s: 5\n  bogus_key: 1\n",
  });
  await origin.checkout("main");
  await origin.tag("v1.0", base);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const opts = (extra: Partial<FetchCommitOptions> = {}): FetchCommitOptions => ({
  cacheDir: join(tmp, "cache"),
  repository: "octo/hello",
  cloneUrl: origin.dir,
  sha: head,
  workName: "job-1",
  ...extra,
});

describe("fetchCommit", () => {
  it("checks out the commit with its merge-base, and reuses the cache once fetched", async () => {
    const co = await fetchCommit(opts({ baseSha: base, ref: "refs/heads/feature" }));
    expect(await readFile(join(co.dir, "README.md"), "utf8")).toBe("head\n");
    expect(co.mergeBase).toBe(base);
    await co.remove();

    // With the origin gone, the cached commit still checks out.
    await rename(origin.dir, `${origin.dir}-moved`);
    try {
      const again = await fetchCommit(opts({ workName: "job-2" }));
      expect(await readFile(join(again.dir, "README.md"), "utf8")).toBe("head\n");
      await again.remove();
      await expect(fetchCommit(opts({ sha: "f".repeat(40), workName: "job-3" }))).rejects.toThrow(
        /git fetch failed/,
      );
    } finally {
      await rename(`${origin.dir}-moved`, origin.dir);
    }
  });

  it("fetches a private repository over HTTP with the token as a header, never in argv or the cache", async () => {
    const token = "ghs_test0123456789abcdefTOKEN";
    const server = await startGitHttpServer(tmp, token);
    try {
      const cloneUrl = `${server.url}/origin`;
      const cacheDir = join(tmp, "private-cache");
      const denied = await fetchCommit(opts({ cacheDir, cloneUrl, workName: "p-0" })).catch(
        (e: unknown) => e,
      );
      expect((denied as Error).message).toMatch(/git fetch failed/);
      expect(server.requests.some((r) => !r.authorized)).toBe(true);

      const co = await fetchCommit(opts({ cacheDir, cloneUrl, token, workName: "p-1" }));
      expect(await readFile(join(co.dir, "README.md"), "utf8")).toBe("head\n");
      await co.remove();
      expect(server.requests.filter((r) => r.authorized).length).toBeGreaterThan(0);
      // While git waited on this server, no fetch command line on the machine held the token.
      if (process.platform === "linux") expect(server.fetchCommandLines.length).toBeGreaterThan(0);
      const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
      for (const line of server.fetchCommandLines) {
        expect(line).not.toContain(token);
        expect(line).not.toContain(basic);
      }
      const cacheConfig = await readFile(
        join(cacheDir, "repos", "octo__hello.git", "config"),
        "utf8",
      );
      expect(cacheConfig).not.toContain(basic);
    } finally {
      await server.close();
    }
  });

  it.each<[Partial<FetchCommitOptions>, string]>([
    [{ cloneUrl: "--upload-pack=touch /tmp/pwned" }, "is not a URL"],
    [{ sha: "HEAD" }, "is not a 40-character hex SHA"],
    [{ baseSha: "main" }, "base commit"],
    [{ ref: "refs/../../x" }, "is not a plain refs/… name"],
    [{ repository: "../x" }, "must be owner/repo"],
    [{ workName: "../../etc" }, "work name"],
  ])("rejects %j", async (bad, message) => {
    const err = await fetchCommit(opts(bad)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckoutInputError);
    expect((err as Error).message).toContain(message);
  });
});

describe("resolveRef (/benchmark --compare)", () => {
  const resolve = (ref: string, cloneUrl = origin.dir) =>
    resolveRef({ cacheDir: join(tmp, "cache"), repository: "octo/hello", cloneUrl, ref });

  beforeAll(async () => {
    // The job's own checkout makes the cache's bare repository first.
    const co = await fetchCommit(opts({ workName: "resolve" }));
    await co.remove();
  });

  it("resolves a tag, a branch and an abbreviated or full commit SHA", async () => {
    expect(await resolve("v1.0")).toBe(base);
    expect(await resolve("feature")).toBe(head);
    expect(await resolve("main")).toBe(base);
    expect(await resolve(base.slice(0, 10))).toBe(base);
    expect(await resolve(head)).toBe(head);
  });

  it("names a ref the repository does not have", async () => {
    const err = await resolve("v9.9").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefNotFoundError);
    expect((err as Error).message).toBe(
      "--compare v9.9: no branch, tag or commit of octo/hello has that name",
    );
  });

  it("rejects a ref that could be read as an option", async () => {
    for (const bad of ["--upload-pack=x", "a..b", "-x"]) {
      const err = await resolve(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckoutInputError);
    }
  });

  it("reports an unreachable remote as a git failure, not as a missing ref", async () => {
    const err = await resolve("v1.0", join(tmp, "no-such-remote")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
  });
});

describe("readRepoConfig", () => {
  it("reads a valid file, and the defaults when there is none", async () => {
    const co = await fetchCommit(opts({ sha: base, workName: "cfg-base" }));
    const cfg = await readRepoConfig(co.dir);
    expect(cfg.ok && cfg.config.cluster.readiness_timeout_s).toBe(5);
    const none = await readRepoConfig(join(tmp, "nowhere"));
    expect(none.ok && none.found).toBe(false);
    await co.remove();
  });

  it("names the problem, its line and quotes the line of an invalid file", async () => {
    const co = await fetchCommit(opts({ workName: "cfg-head" }));
    const cfg = await readRepoConfig(co.dir);
    expect(cfg.ok).toBe(false);
    if (cfg.ok) return;
    expect(cfg.problems).toEqual([
      { message: "cluster.bogus_key: unknown key", line: 3, quote: "  bogus_key: 1" },
    ]);
    expect(describeConfigProblems(cfg.problems)).toContain(
      "line 3: cluster.bogus_key: unknown key",
    );
    await co.remove();
  });
});
