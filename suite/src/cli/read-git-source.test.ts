import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGitSource } from "./read-git-source.js";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-git-source-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readGitSource", () => {
  it("is empty outside a git checkout", async () => {
    expect(await readGitSource(dir)).toEqual({});
  });

  it("names the commit and branch of a checkout", async () => {
    const git = (...args: string[]) => run("git", args, { cwd: dir });
    await git("init", "--quiet", "--initial-branch", "trunk");
    await git("config", "user.email", "t@example.com");
    await git("config", "user.name", "t");
    await git("config", "commit.gpgsign", "false");
    await writeFile(join(dir, "a.txt"), "a");
    await git("add", "a.txt");
    await git("commit", "--quiet", "-m", "a");
    const head = (await git("rev-parse", "HEAD")).stdout.trim();
    expect(await readGitSource(dir)).toEqual({ commit: head, branch: "trunk" });
  });
});
