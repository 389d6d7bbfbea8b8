import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listRuns, createLocalArchiveStore } from "@mlxbench/archive";
import { buildDataJs, commitId, corpusDataJs, sampleRunResult } from "@mlxbench/archive/testing";
import { parseHistoryCli } from "./history-command.js";
import { runCli } from "./run-cli.js";

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "history-cli-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env,
  });
  return { code, stdout, stderr };
}

describe("mlxbench history import", () => {
  it("imports a real-shape data.js with a fingerprint and prints progress and the summary", async () => {
    const points = 120;
    const { text, series } = corpusDataJs("otel-java", 2, points);
    await writeFile(join(cwd, "data.js"), text);
    await writeFile(join(cwd, "run.json"), JSON.stringify(sampleRunResult()));
    const first = series[0]?.name.slice(series[0].name.indexOf(" / ") + 3) ?? "";
    const args = [
      "history",
      "import",
      "data.js",
      "--repo",
      "octo/hello",
      "--fingerprint-from",
      "run.json",
      "--metric",
      `${first}=throughput.requests_per_s`,
    ];
    const r = await cli(args, { ARCHIVE_DIR: "arch" });
    expect(r.stderr).toMatch(/^history import: 6\/120 runs$/m);
    expect(r.stderr).toMatch(/^history import: 120\/120 runs$/m);
    expect(r.stdout).toMatch(
      new RegExp(
        `^Imported 120 run\\(s\\) of octo/hello from data\\.js into ${join(cwd, "arch")}; skipped 0 `,
        "m",
      ),
    );
    expect(r.stdout).toMatch(
      /^throughput\.requests_per_s\s+120\s+0\s+\d+\.\d\d\s+higher\s+ops\/s\s+Benchmark \/ /m,
    );
    expect(r.code).toBe(0);
    const runs = await listRuns(createLocalArchiveStore(join(cwd, "arch")), "octo/hello", {
      limit: 500,
    });
    expect(runs).toHaveLength(points);
    expect(runs[0]?.fingerprint?.hardware).toBe(sampleRunResult().fingerprint.hardware);
    expect(runs[0]?.commit).toBe(commitId(points - 1));

    const again = await cli(args, { ARCHIVE_DIR: "arch" });
    expect(again.stdout).toMatch(
      /^Imported 0 run\(s\) .*; skipped 120 \(120 already imported, 0 commit\(s\) with a run of their own\)\.$/m,
    );
    expect(
      await listRuns(createLocalArchiveStore(join(cwd, "arch")), "octo/hello", { limit: 500 }),
    ).toHaveLength(points);
  });

  it("prints no progress for a short file and writes nothing on --dry-run", async () => {
    await writeFile(join(cwd, "data.js"), corpusDataJs("risc0", 1, 10).text);
    const r = await cli([
      "history",
      "import",
      "data.js",
      "--repo",
      "octo/hello",
      "--archive-dir",
      "a",
      "--dry-run",
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Dry run: 10 run\(s\) of octo\/hello would be imported/);
    expect(existsSync(join(cwd, "a"))).toBe(false);
  });

  it("counts skipped values and exits 1 when a bench's unit changes, importing the rest", async () => {
    const text = buildDataJs({
      S: {
        tool: "go",
        dates: [1, 2, 3, 4],
        units: [undefined, undefined, "ms", undefined],
        benches: [{ name: "moving", unit: "ns/op", values: [1, 2, 3, 4] }],
      },
      T: {
        tool: "go",
        dates: [1, 2, 3, 4],
        benches: [{ name: "steady", unit: "ns/op", values: [10, 0, null, 12] }],
      },
    });
    await writeFile(join(cwd, "data.js"), text);
    const r = await cli([
      "history",
      "import",
      "data.js",
      "--repo",
      "octo/hello",
      "--archive-dir",
      "a",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^2 value\(s\) skipped: zero, negative, NaN or not a number\.$/m);
    expect(r.stdout).toMatch(
      /^invalid, not imported: S \/ moving \(imported\.S\.moving\): unit changed from "ns\/op" to "ms" at commit /m,
    );
    expect(r.stdout).toMatch(/^Imported 2 run\(s\)/);
  });

  it.each([
    [["import", "x.js"], /history import needs --repo OWNER\/NAME/],
    [["import", "x.js", "--repo", "octo"], /--repo must be OWNER\/NAME, got "octo"/],
    [["import", "--repo", "o/r"], /needs a data\.js FILE or --from-archive DIR/],
    [
      ["import", "x.js", "--from-archive", "d", "--repo", "o/r"],
      /a data\.js FILE or --from-archive DIR, not both/,
    ],
    [["import", "x.js", "--repo", "o/r", "--bogus"], /^history: Unknown option '--bogus'/],
    [
      ["import", "x.js", "--repo", "o/r", "--metric", "nokey"],
      /--metric must be NAME=KEY .*got "nokey"/,
    ],
    [["import", "x.js", "--repo", "o/r", "--metric", "a=b"], /--metric must be NAME=KEY/],
    [
      ["import", "x.js", "--repo", "o/r", "--direction", "a=up"],
      /--direction must be NAME=higher or NAME=lower, got "a=up"/,
    ],
    [
      ["import", "--from-archive", "d", "--repo", "o/r", "--metric", "a=b.c"],
      /--metric is only for a data\.js/,
    ],
    [["export"], /unknown history subcommand "export"; expected import/],
  ])("rejects %j", (argv, why) => {
    expect(() => parseHistoryCli(argv)).toThrow(why);
  });

  it("maps repeatable --metric and --direction", () => {
    const args = parseHistoryCli([
      "import",
      "d.js",
      "--repo",
      "o/r",
      "--metric",
      "Benchmark/a=b=inference.e2e_ms",
      "--metric",
      "x=throughput.requests_per_s",
      "--direction",
      "x=lower",
    ]);
    expect(args).toMatchObject({
      metrics: [
        { from: "Benchmark/a=b", key: "inference.e2e_ms" },
        { from: "x", key: "throughput.requests_per_s" },
      ],
      directions: [{ name: "x", direction: "lower_is_better" }],
      defaultBranch: "main",
    });
  });

  it.each([
    [
      "an unknown option",
      ["--repo", "o/r", "--fast"],
      /^mlxbench: history: Unknown option '--fast'/,
    ],
    ["a missing --repo", [], /^mlxbench: history import needs --repo/],
  ])("exits 2 on %s, writing nothing", async (_what, extra, why) => {
    await writeFile(join(cwd, "data.js"), corpusDataJs("risc0", 1, 5).text);
    const r = await cli(["history", "import", "data.js", "--archive-dir", "a", ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(existsSync(join(cwd, "a"))).toBe(false);
  });

  it.each([
    [
      "an HTML page",
      "<!doctype html><title>gh-pages</title>",
      /^mlxbench: data\.js is not a github-action-benchmark data\.js: not JSON after the prefix/,
    ],
    [
      "JSON without entries",
      '{"benchmarks": []}',
      /data\.js is not a github-action-benchmark data\.js: it has no `entries`/,
    ],
  ])("exits 2 on %s, writing nothing", async (_what, body, why) => {
    await writeFile(join(cwd, "data.js"), body);
    const r = await cli(["history", "import", "data.js", "--repo", "o/r", "--archive-dir", "a"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(why);
    expect(existsSync(join(cwd, "a"))).toBe(false);
  });

  it("exits 2 on a --fingerprint-from that holds no fingerprint, writing nothing", async () => {
    await writeFile(join(cwd, "data.js"), corpusDataJs("risc0", 1, 5).text);
    await writeFile(
      join(cwd, "run.json"),
      JSON.stringify({ runId: "x", fingerprint: { hardware: 3 } }),
    );
    const r = await cli([
      "history",
      "import",
      "data.js",
      "--repo",
      "o/r",
      "--archive-dir",
      "a",
      "--fingerprint-from",
      "run.json",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^mlxbench: --fingerprint-from run\.json: no fingerprint \(expected a run_result\.json .*hardware: /,
    );
    expect(existsSync(join(cwd, "a"))).toBe(false);
  });

  it("copies runs from another archive directory", async () => {
    await writeFile(join(cwd, "data.js"), corpusDataJs("risc0", 1, 8).text);
    expect(
      (await cli(["history", "import", "data.js", "--repo", "octo/old", "--archive-dir", "old"]))
        .code,
    ).toBe(0);
    const r = await cli([
      "history",
      "import",
      "--from-archive",
      "old",
      "--from-repo",
      "octo/old",
      "--repo",
      "octo/new",
      "--archive-dir",
      "new",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Imported 8 run\(s\) of octo\/new from .*old into /);
    expect((await readdir(join(cwd, "new", "reports", "octo", "new", "runs"))).sort()).toEqual(
      (await readdir(join(cwd, "old", "reports", "octo", "old", "runs"))).sort(),
    );
    const same = await cli([
      "history",
      "import",
      "--from-archive",
      "old",
      "--from-repo",
      "octo/old",
      "--repo",
      "octo/old",
      "--archive-dir",
      "old",
    ]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/--from-archive old is the archive being written/);
  });

  it("lists history in the main usage and answers history --help", async () => {
    expect((await cli(["--help"])).stdout).toMatch(
      /mlxbench history import FILE\|--from-archive DIR --repo OWNER\/NAME/,
    );
    const h = await cli(["history", "--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--metric NAME=KEY/);
  });
});
