import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNNER_DIR, runScript } from "./helpers.js";

const SCRIPTS = [
  "install.sh",
  "uninstall.sh",
  "fingerprint.sh",
  "bin/mlxbench-worker.sh",
  "hooks/cluster-start.sh",
  "hooks/cluster-stop.sh",
];

let tmp: string;
let clusterDir: string;
let envFile: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "mlxbench-runner-"));
  clusterDir = join(tmp, "cluster");
  mkdirSync(clusterDir);
  writeFileSync(join(clusterDir, "run_distributed_openai.py"), "# stand-in\n");
  envFile = join(tmp, "worker.env");
  writeFileSync(envFile, "REDIS_URL=redis://127.0.0.1:6379\nGITHUB_APP_ID=1\n", { mode: 0o600 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("shell scripts", () => {
  it("all pass shellcheck", () => {
    const found = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
    expect(
      found.error,
      "shellcheck is not installed: apt-get install -y shellcheck",
    ).toBeUndefined();
    const result = spawnSync(
      "shellcheck",
      SCRIPTS.map((s) => join(RUNNER_DIR, s)),
      { encoding: "utf8" },
    );
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("cover every script in the folder", () => {
    const onDisk = [
      ...readdirSync(RUNNER_DIR).filter((f) => f.endsWith(".sh")),
      ...readdirSync(join(RUNNER_DIR, "bin")).map((f) => `bin/${f}`),
      ...readdirSync(join(RUNNER_DIR, "hooks")).map((f) => `hooks/${f}`),
    ];
    expect(onDisk.sort()).toEqual([...SCRIPTS].sort());
  });
});

describe("install.sh --dry-run", () => {
  it("prints every action, takes none, and exits 0", () => {
    const prefix = join(tmp, "prefix");
    const r = runScript("install.sh", [
      "--dry-run",
      "--cluster-dir",
      clusterDir,
      "--env-file",
      envFile,
      "--prefix",
      prefix,
    ]);
    expect(r.status, r.out).toBe(0);
    const actions = r.stdout.split("\n").filter((l) => l.startsWith("[dry-run]"));
    const expected = [
      /dscl \. -create \/Users\/_mlxbench UniqueID \d+/,
      /dscl \. -create \/Users\/_mlxbench UserShell \/usr\/bin\/false/,
      /install -d -m 0755 -o root -g wheel .*\/prefix /,
      /install -d -m 0750 -o root -g _mlxbench .*\/prefix\/etc/,
      /install -d -m 0750 -o _mlxbench -g _mlxbench .*\/log .*\/run .*\/work/,
      /rsync -a --delete .*\/prefix\/app\//,
      /npm ci --prefix .*\/prefix\/app/,
      /install -m 0755 .*cluster-start\.sh .*cluster-stop\.sh .*\/prefix\/hooks\//,
      /install -m 0640 -o root -g _mlxbench .*worker\.env .*\/prefix\/etc\/worker\.env/,
      /render .*com\.mlxbench\.worker\.plist -> \/Library\/LaunchDaemons\/com\.mlxbench\.worker\.plist/,
      /plutil -lint \/Library\/LaunchDaemons\/com\.mlxbench\.worker\.plist/,
      /launchctl enable system\/com\.mlxbench\.worker/,
      /launchctl bootstrap system \/Library\/LaunchDaemons\/com\.mlxbench\.worker\.plist/,
    ];
    for (const pattern of expected)
      expect(
        actions.some((a) => pattern.test(a)),
        `${pattern} in\n${r.stdout}`,
      ).toBe(true);
    expect(existsSync(prefix)).toBe(false);
    // The env file's contents never appear: secrets are not arguments.
    expect(r.out).not.toContain("redis://127.0.0.1");
  });

  it("installs env.example and does not start when no environment is given", () => {
    const r = runScript("install.sh", [
      "--dry-run",
      "--cluster-dir",
      clusterDir,
      "--prefix",
      join(tmp, "p2"),
    ]);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toMatch(/install -m 0640 .*env\.example .*worker\.env/);
    expect(r.stdout).toMatch(/not started: fill in .*worker\.env/);
    expect(r.stdout).not.toMatch(/launchctl bootstrap/);
  });

  it.each([
    [
      ["--cluster-dir", "/nonexistent/cluster"],
      /--cluster-dir \/nonexistent\/cluster does not exist/,
    ],
    [["--cluster-dir", "@EMPTY@"], /has no run_distributed_openai\.py/],
    [
      ["--cluster-dir", "@CLUSTER@", "--python", "no-such-python"],
      /the cluster's Python 'no-such-python' is not on PATH/,
    ],
    [
      ["--cluster-dir", "@CLUSTER@", "--prefix", "relative/path"],
      /--prefix must be an absolute path/,
    ],
    [
      ["--cluster-dir", "@CLUSTER@", "--user", "Root User"],
      /--user must be a short lower-case name/,
    ],
    [
      ["--cluster-dir", "@CLUSTER@", "--env-file", "@PLACEHOLDER_ENV@"],
      /still holds CHANGE-ME values/,
    ],
    [
      ["--cluster-dir", "@CLUSTER@", "--labels", "m2 ultra;rm"],
      /--labels 'm2 ultra;rm': labels are A-Z a-z 0-9 _ \. - separated by commas/,
    ],
    [["--cluster-dir", "@CLUSTER@", "--frobnicate"], /unknown argument: --frobnicate/],
    [[], /--cluster-dir is required/],
  ])("refuses %j with a clear error", (args, message) => {
    const empty = join(tmp, "empty");
    mkdirSync(empty, { recursive: true });
    const resolved = args.map((a) =>
      a === "@EMPTY@"
        ? empty
        : a === "@CLUSTER@"
          ? clusterDir
          : a === "@PLACEHOLDER_ENV@"
            ? join(RUNNER_DIR, "env.example")
            : a,
    );
    const r = runScript("install.sh", ["--dry-run", ...resolved], { MLX_CLUSTER_DIR: "" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it("refuses a git older than 2.31, which cannot take the clone token from its environment", () => {
    const bin = join(tmp, "old-git-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "git"), '#!/bin/sh\necho "git version 2.30.1 (Apple Git-130)"\n', {
      mode: 0o755,
    });
    const r = runScript(
      "install.sh",
      ["--dry-run", "--cluster-dir", clusterDir, "--prefix", join(tmp, "p-old-git")],
      { PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/git 2\.30\.1 is too old: 2\.31 or newer is needed/);
  });

  it("refuses to really install off macOS", () => {
    const r = runScript("install.sh", ["--cluster-dir", clusterDir, "--prefix", join(tmp, "p3")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/macOS only/);
    expect(existsSync(join(tmp, "p3"))).toBe(false);
  });
});

describe("uninstall.sh --dry-run", () => {
  it("prints the removal, purge included, and exits 0", () => {
    const r = runScript("uninstall.sh", ["--dry-run", "--purge", "--prefix", join(tmp, "gone")]);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toMatch(/launchctl bootout system\/com\.mlxbench\.worker/);
    expect(r.stdout).toMatch(
      /\[dry-run\] rm -f \/Library\/LaunchDaemons\/com\.mlxbench\.worker\.plist/,
    );
    expect(r.stdout).toMatch(/\[dry-run\] rm -rf .*\/gone/);
    expect(r.stdout).toMatch(/\[dry-run\] dscl \. -delete \/Users\/_mlxbench/);
  });

  it("keeps the prefix and the user without --purge", () => {
    const r = runScript("uninstall.sh", ["--dry-run", "--prefix", join(tmp, "kept")]);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toMatch(/kept .*\/kept .*--purge removes them/);
    expect(r.stdout).not.toMatch(/rm -rf|dscl/);
  });
});

describe("bin/mlxbench-worker.sh", () => {
  const appDir = () => join(tmp, "app");
  beforeAll(() => {
    mkdirSync(appDir(), { recursive: true });
    // A stand-in app whose `npm run worker` reports what the real worker would see.
    writeFileSync(
      join(appDir(), "package.json"),
      JSON.stringify({
        name: "stand-in",
        private: true,
        scripts: {
          worker: `node -e "console.log(JSON.stringify({ key: process.env.GITHUB_PRIVATE_KEY, url: process.env.REDIS_URL, hash: process.env.WITH_HASH, cwd: process.cwd() }))"`,
        },
      }),
    );
  });

  const writeEnv = (text: string, mode: number) => {
    const file = join(tmp, `env-${mode.toString(8)}-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, text);
    chmodSync(file, mode);
    return file;
  };

  it("loads the environment file literally and runs npm run worker in the app", () => {
    const file = writeEnv(
      [
        "# comment",
        "",
        'GITHUB_PRIVATE_KEY="-----BEGIN KEY-----\\nabc $HOME `x`\\n-----END KEY-----"',
        "REDIS_URL=rediss://u:p@host:6379/0",
        "WITH_HASH=a#b c",
      ].join("\n"),
      0o640,
    );
    const r = runScript("bin/mlxbench-worker.sh", [], {
      MLXBENCH_ENV_FILE: file,
      MLXBENCH_APP_DIR: appDir(),
      MLXBENCH_PREFIX: tmp,
    });
    expect(r.status, r.out).toBe(0);
    const seen = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, string>;
    expect(seen.key).toBe("-----BEGIN KEY-----\\nabc $HOME `x`\\n-----END KEY-----");
    expect(seen.url).toBe("rediss://u:p@host:6379/0");
    expect(seen.hash).toBe("a#b c");
    expect(seen.cwd).toBe(appDir());
  });

  it.each([
    ["a world-readable file", "A=1\n", 0o644, /readable by others \(mode 644\)/],
    ["a line that is not KEY=value", "A=1\nexport B=2\n", 0o600, /line 2: expected KEY=value/],
  ])("refuses %s", (_case, text, mode, message) => {
    const r = runScript("bin/mlxbench-worker.sh", [], {
      MLXBENCH_ENV_FILE: writeEnv(text, mode),
      MLXBENCH_APP_DIR: appDir(),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it("names a missing environment file", () => {
    const r = runScript("bin/mlxbench-worker.sh", [], {
      MLXBENCH_ENV_FILE: join(tmp, "absent.env"),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read the environment file .*absent\.env/);
  });
});

describe("com.mlxbench.worker.plist", () => {
  const parsePlist = (xml: string) => {
    const r = spawnSync(
      "python3",
      [
        "-c",
        "import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))",
      ],
      {
        input: xml,
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const template = readFileSync(join(RUNNER_DIR, "com.mlxbench.worker.plist"), "utf8");

  it("parses, as the template and as install.sh renders it", () => {
    const rendered = template
      .replaceAll("@PREFIX@", "/opt/mlxbench")
      .replaceAll("@USER@", "_mlxbench")
      .replaceAll("@CLUSTER_DIR@", "/Users/Shared/cluster")
      .replaceAll("@PYTHON@", "/usr/bin/python3")
      .replaceAll("@LABELS@", "m2-ultra-3x");
    expect(rendered).not.toMatch(/@[A-Z_]+@/);
    const plist = parsePlist(rendered);
    expect(plist).toMatchObject({
      Label: "com.mlxbench.worker",
      ProgramArguments: ["/opt/mlxbench/bin/mlxbench-worker.sh"],
      UserName: "_mlxbench",
      KeepAlive: true,
      RunAtLoad: true,
      StandardOutPath: "/opt/mlxbench/log/worker.out.log",
      StandardErrorPath: "/opt/mlxbench/log/worker.err.log",
    });
    expect(parsePlist(template).Label).toBe("com.mlxbench.worker");
  });

  it("carries no secret: only paths and the runner's pool labels in its environment", () => {
    const env = parsePlist(template).EnvironmentVariables as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual([
      "CLUSTER_PYTHON",
      "MLXBENCH_PREFIX",
      "MLX_CLUSTER_DIR",
      "PATH",
      "RUNNER_LABELS",
    ]);
  });
});

describe("fingerprint.sh", () => {
  it("prints one line of JSON matching this machine", () => {
    const r = runScript("fingerprint.sh", []);
    expect(r.status, r.out).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    const fp = JSON.parse(r.stdout) as {
      hardware: string;
      chip: string;
      memory_bytes: number;
      os: string;
      os_version: string;
      cpu_count: number;
    };
    const memTotalKb = Number(
      /^MemTotal:\s+(\d+)/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1],
    );
    expect(fp.memory_bytes).toBe(memTotalKb * 1024);
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
    if (model !== undefined) expect(fp.chip).toBe(model.trim());
    expect(fp.os).toBe("Linux");
    expect(fp.cpu_count).toBeGreaterThan(0);
    expect(fp.hardware).toBe(
      `${fp.chip}, ${Math.round(fp.memory_bytes / 2 ** 30)} GB, Linux ${fp.os_version}`,
    );
  });

  it("prints the summary alone with --summary", () => {
    const full = JSON.parse(runScript("fingerprint.sh", []).stdout) as { hardware: string };
    expect(runScript("fingerprint.sh", ["--summary"]).stdout).toBe(`${full.hardware}\n`);
  });
});
