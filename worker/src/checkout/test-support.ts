// Test support (not exported from index.ts): fixture git repositories.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { runGit } from "./run-git.js";

export interface FixtureRepo {
  dir: string;
  /** Writes files, commits them on the current branch and returns the commit SHA. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  branch(name: string, from?: string): Promise<void>;
  checkout(name: string): Promise<void>;
}

export async function createFixtureRepo(dir: string): Promise<FixtureRepo> {
  await mkdir(dir, { recursive: true });
  const git = (...args: string[]) => runGit(args, { cwd: dir });
  await git("init", "--quiet", "--initial-branch=main");
  await git("config", "user.email", "test@example.com");
  await git("config", "user.name", "test");
  await git("config", "commit.gpgsign", "false");
  return {
    dir,
    async commit(files, message = "change") {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      await git("add", "--all");
      await git("commit", "--quiet", "--allow-empty", "-m", message);
      return (await git("rev-parse", "HEAD")).trim();
    },
    async branch(name, from) {
      await git("branch", name, ...(from ? [from] : []));
    },
    async checkout(name) {
      await git("checkout", "--quiet", name);
    },
  };
}
