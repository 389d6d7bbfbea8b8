import { execFile } from "node:child_process";

/** A git command failed; `stderr` says why. */
export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface GitOptions {
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Extra `-c key=value` settings placed before the subcommand. Visible in `ps`: no secrets. */
  config?: readonly string[];
  /**
   * Settings for secrets (an auth header): handed to git in its environment (GIT_CONFIG_COUNT,
   * git ≥ 2.31), which other users of the machine cannot read, unlike the command line.
   */
  secretConfig?: Readonly<Record<string, string>>;
}

/** Runs git with an argument array (never a shell string), never prompting for credentials. */
export function runGit(args: readonly string[], options: GitOptions = {}): Promise<string> {
  const full = [...(options.config ?? []).flatMap((c) => ["-c", c]), ...args];
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      full,
      {
        cwd: options.cwd,
        signal: options.signal,
        timeout: options.timeoutMs ?? 600_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: "0",
          GIT_ASKPASS: "",
          LC_ALL: "C",
          ...configEnv(options.secretConfig ?? {}),
        },
      },
      (err, stdout, stderr) => {
        if (err) {
          // Never echo the -c settings: they may hold a token.
          reject(
            new GitError(
              `git ${subcommandOf(args)} failed: ${stderr.trim().split("\n").slice(-3).join(" ") || err.message}`,
              args,
              stderr,
              { cause: err },
            ),
          );
        } else resolve(stdout);
      },
    );
  });
}

/** The secret git setting that sends an installation token as an HTTP header (none without a token). */
export function tokenHeaderConfig(token: string | undefined): Record<string, string> {
  if (!token) return {};
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return { "http.extraHeader": `Authorization: Basic ${basic}` };
}

function configEnv(settings: Readonly<Record<string, string>>): Record<string, string> {
  const entries = Object.entries(settings);
  if (entries.length === 0) return {};
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--git-dir" || a === "-C" || a === "--work-tree") i++;
    else if (!a.startsWith("-")) return a;
  }
  return "";
}
