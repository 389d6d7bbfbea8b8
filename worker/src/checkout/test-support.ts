// Test support (not exported from index.ts): fixture git repositories.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { runGit } from "./run-git.js";

export interface FixtureRepo {
  dir: string;
  /** Writes files, commits them on the current branch and returns the commit SHA. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  branch(name: string, from?: string): Promise<void>;
  checkout(name: string): Promise<void>;
  /** A lightweight tag at `at` (default HEAD). */
  tag(name: string, at?: string): Promise<void>;
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
    async tag(name, at) {
      await git("tag", name, ...(at ? [at] : []));
    },
  };
}

export interface GitHttpServer {
  /** Base URL; a repository at `root/name` is `${url}/name`. */
  url: string;
  /** Every request: its path and whether it carried the expected token. */
  requests: { path: string; authorized: boolean }[];
  /** Command lines of the machine's `git … fetch` processes, read while a fetch waited on us (Linux). */
  fetchCommandLines: string[];
  close(): Promise<void>;
}

/**
 * Git's smart HTTP protocol over real sockets, as a private GitHub repository answers it: every
 * request must carry `Authorization: Basic base64("x-access-token:" + token)`, else 401. Serves
 * the repositories under `root` through `git http-backend` (CGI).
 */
export async function startGitHttpServer(root: string, token: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  const requests: GitHttpServer["requests"] = [];
  const fetchCommandLines: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const authorized = req.headers.authorization === expected;
    requests.push({ path: url.pathname, authorized });
    fetchCommandLines.push(...readFetchCommandLines());
    if (!authorized) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="test"' });
      res.end();
      return;
    }
    const header = (name: string): Record<string, string> => {
      const v = req.headers[name];
      return typeof v === "string" ? { [name]: v } : {};
    };
    const protocol = header("git-protocol")["git-protocol"];
    const encoding = header("content-encoding")["content-encoding"];
    const child = spawn("git", ["http-backend"], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        REQUEST_METHOD: req.method ?? "GET",
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        REMOTE_ADDR: "127.0.0.1",
        ...(protocol ? { GIT_PROTOCOL: protocol } : {}),
        ...(encoding ? { HTTP_CONTENT_ENCODING: encoding } : {}),
      },
    });
    req.pipe(child.stdin);
    const out: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.on("close", () => {
      const all = Buffer.concat(out);
      let end = all.indexOf("\r\n\r\n");
      let skip = 4;
      if (end === -1) {
        end = all.indexOf("\n\n");
        skip = 2;
      }
      const head = all.subarray(0, Math.max(0, end)).toString("latin1");
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      res.end(end === -1 ? all : all.subarray(end + skip));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fetchCommandLines,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readFetchCommandLines(): string[] {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return []; // no /proc (macOS)
  }
  const lines: string[] = [];
  for (const pid of pids) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (/(^|\/)git$/.test(args[0] ?? "") && args.includes("fetch")) lines.push(args.join(" "));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}
