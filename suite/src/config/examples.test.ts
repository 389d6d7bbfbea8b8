import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { MlxbenchConfig, MlxbenchConfigError } from "@mlxbench/proto";
import { defaultConfig, parseConfigYaml } from "./load-config.js";

// The reference (docs/config.md) and the example files are user-facing promises about the schema:
// these tests fail when the schema gains, loses or changes a default of a key the docs do not
// follow, when an example stops loading, or when a documented error message changes.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DOC_PATH = "docs/config.md";
const DOC = readFileSync(ROOT + DOC_PATH, "utf8");
const EXAMPLE_FILES = readdirSync(ROOT + "examples")
  .filter((f) => f.endsWith(".mlxbench.yml"))
  .sort();

interface CodeBlock {
  lang: string;
  body: string;
  /** 1-based line of the opening fence in the doc. */
  line: number;
}

function listCodeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(fence)) {
    blocks.push({
      lang: m[1] ?? "",
      body: m[2] ?? "",
      line: markdown.slice(0, m.index).split("\n").length,
    });
  }
  return blocks;
}

interface KeyRow {
  /** The key cell as written, e.g. `cluster.{distributed,single-device}.start`. */
  pattern: string;
  /** The pattern with its braces expanded. */
  paths: string[];
  defaultCell: string;
}

/** Rows of every table whose first header cell is "key". */
function listKeyRows(markdown: string): KeyRow[] {
  const rows: KeyRow[] = [];
  const lines = markdown.split("\n");
  const cellsOf = (line: string): string[] =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i] ?? "";
    if (!header.startsWith("|") || cellsOf(header)[0] !== "key") continue;
    const defaultColumn = cellsOf(header).indexOf("default");
    if (defaultColumn < 0)
      throw new Error(`${DOC_PATH}:${i + 1}: key table without a default column`);
    for (let j = i + 2; j < lines.length && (lines[j] ?? "").startsWith("|"); j++) {
      const cells = cellsOf(lines[j] ?? "");
      const pattern = /^`([^`]+)`$/.exec(cells[0] ?? "")?.[1];
      if (pattern === undefined)
        throw new Error(`${DOC_PATH}:${j + 1}: key cell is not one \`code\` span`);
      rows.push({ pattern, paths: expandBraces(pattern), defaultCell: cells[defaultColumn] ?? "" });
    }
  }
  return rows;
}

function expandBraces(pattern: string): string[] {
  const m = /\{([^{}]+)\}/.exec(pattern);
  if (!m) return [pattern];
  const before = pattern.slice(0, m.index);
  const after = pattern.slice(m.index + m[0].length);
  return (m[1] ?? "").split(",").flatMap((alt) => expandBraces(before + alt + after));
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional)
      s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.out as z.ZodType;
    else return s;
  }
}

/**
 * Every key a user can write, walking the schema's shape: nested objects are sections (their
 * keys are listed, not the section itself), items of a list of objects appear as `list[].key`,
 * and maps (`env`, `costs.devices`, `thresholds.metrics`) are single keys.
 */
function listSchemaKeys(schema: z.ZodType, prefix = ""): Map<string, z.ZodType> {
  const keys = new Map<string, z.ZodType>();
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject)) throw new Error(`${prefix || "(root)"} is not an object`);
  const shape: Record<string, z.ZodType> = object.shape;
  for (const [name, field] of Object.entries(shape)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const inner = unwrap(field);
    if (inner instanceof z.ZodObject) {
      for (const [k, v] of listSchemaKeys(field, path)) keys.set(k, v);
      continue;
    }
    keys.set(path, field);
    if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject) {
      for (const [k, v] of listSchemaKeys(inner.element as z.ZodType, `${path}[]`)) keys.set(k, v);
    }
  }
  return keys;
}

/** Key paths a parsed YAML document sets, with every prefix (`a`, `a.b`, `list[].key`). */
function collectPaths(value: unknown, prefix = "", out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) collectPaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(path);
      collectPaths(v, path, out);
    }
  }
  return out;
}

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const step of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

function parseErrorOf(text: string): MlxbenchConfigError {
  try {
    parseConfigYaml(text);
  } catch (err) {
    if (err instanceof MlxbenchConfigError) return err;
    throw err;
  }
  throw new Error("expected the loader to reject this block");
}

const SCHEMA_KEYS = listSchemaKeys(MlxbenchConfig);
const KEY_ROWS = listKeyRows(DOC);
const BLOCKS = listCodeBlocks(DOC);
const YAML_BLOCKS = BLOCKS.filter((b) => b.lang === "yaml");
const isInvalidExample = (b: CodeBlock): boolean => b.body.startsWith("# invalid");

describe("docs/config.md key tables", () => {
  it("finds the schema's keys and the doc's tables", () => {
    // Guards the walk itself: a walk that found nothing would make the drift test pass vacuously.
    expect(SCHEMA_KEYS.size).toBeGreaterThan(40);
    expect([...SCHEMA_KEYS.keys()]).toEqual(
      expect.arrayContaining([
        "version",
        "cluster.single-device.start",
        "test_prompts[].max_tokens",
        "suite.default_branch.concurrent_requests",
        "gate.environments",
      ]),
    );
    expect(KEY_ROWS.length).toBeGreaterThan(20);
  });

  it("lists every key of the schema, and no key the schema lacks", () => {
    const documented = KEY_ROWS.flatMap((r) => r.paths);
    const schema = [...SCHEMA_KEYS.keys()];
    expect(
      schema.filter((k) => !documented.includes(k)),
      "keys missing from the doc",
    ).toEqual([]);
    expect(
      documented.filter((k) => !SCHEMA_KEYS.has(k)),
      "doc keys not in the schema",
    ).toEqual([]);
    const counts = new Map<string, number>();
    for (const p of documented) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(
      [...counts].filter(([, n]) => n > 1).map(([p]) => p),
      "keys documented twice",
    ).toEqual([]);
  });

  it("gives each key the default the loader really applies", () => {
    const defaults = defaultConfig();
    for (const row of KEY_ROWS) {
      for (const path of row.paths) {
        const field = SCHEMA_KEYS.get(path);
        if (!field) continue; // reported by the test above
        const where = `${path} (default cell ${JSON.stringify(row.defaultCell)})`;
        const code = /^`([^`]*)`$/.exec(row.defaultCell)?.[1];
        if (code !== undefined) {
          expect(valueAt(defaults, path), where).toEqual(parseYaml(code));
        } else if (row.defaultCell === "—") {
          // Unset: optional without a default, so an empty config leaves it undefined.
          expect(field.safeParse(undefined), where).toEqual({ success: true, data: undefined });
          if (!path.includes("[]")) expect(valueAt(defaults, path), where).toBeUndefined();
        } else if (row.defaultCell === "required") {
          expect(path, `${where}: only list items can be required`).toContain("[]");
          expect(field.safeParse(undefined).success, where).toBe(false);
        } else {
          throw new Error(`${where}: write a \`value\`, "—" or "required"`);
        }
      }
    }
  });

  it("shows every key in at least one example", () => {
    const shown = new Set<string>();
    for (const block of YAML_BLOCKS.filter((b) => !isInvalidExample(b))) {
      collectPaths(parseYaml(block.body), "", shown);
    }
    const unshown = KEY_ROWS.filter((r) => !r.paths.some((p) => shown.has(p))).map(
      (r) => r.pattern,
    );
    expect(unshown, "keys without an example in a yaml block").toEqual([]);
  });
});

describe("docs/config.md yaml blocks", () => {
  it("has yaml blocks, valid and invalid ones", () => {
    expect(YAML_BLOCKS.filter((b) => !isInvalidExample(b)).length).toBeGreaterThan(8);
    expect(YAML_BLOCKS.filter(isInvalidExample).length).toBeGreaterThan(4);
  });

  it.each(YAML_BLOCKS.filter((b) => !isInvalidExample(b)).map((b) => [b.line, b] as const))(
    "the block at line %i loads with the real loader",
    (_line, block) => {
      const config = parseConfigYaml(block.body, `${DOC_PATH}:${block.line}`);
      if (block.body.startsWith("# the defaults")) expect(config).toEqual(defaultConfig());
    },
  );

  it("writes the defaults out once, as the loader applies them", () => {
    expect(YAML_BLOCKS.filter((b) => b.body.startsWith("# the defaults"))).toHaveLength(1);
  });

  it.each(YAML_BLOCKS.filter(isInvalidExample).map((b) => [b.line, b] as const))(
    "the invalid block at line %i gives the error message shown after it",
    (_line, block) => {
      const next = BLOCKS[BLOCKS.indexOf(block) + 1];
      expect(next?.lang, "an invalid example is followed by a ```text block").toBe("text");
      expect(parseErrorOf(block.body).message).toBe(next?.body.trim());
    },
  );
});

describe("examples/", () => {
  it("holds the two documented examples", () => {
    expect(EXAMPLE_FILES).toEqual(["mlx-cluster.mlxbench.yml", "reference-cluster.mlxbench.yml"]);
    for (const f of EXAMPLE_FILES) expect(DOC).toContain(`examples/${f}`);
  });

  it.each(EXAMPLE_FILES)(
    "%s loads with the real loader and keeps both profiles identical",
    (file) => {
      const config = parseConfigYaml(readFileSync(`${ROOT}examples/${file}`, "utf8"), file);
      // Different profiles would leave every pull request without a comparable baseline.
      expect(config.suite.pull_request).toEqual(config.suite.default_branch);
      expect(config.cluster.distributed.start).toBeDefined();
      expect(config.cluster["single-device"].start).toBeDefined();
    },
  );

  it("mlx-cluster starts each mode through the runner's hooks, with matching timeouts", () => {
    const c = parseConfigYaml(readFileSync(`${ROOT}examples/mlx-cluster.mlxbench.yml`, "utf8"));
    const startHook = readFileSync(`${ROOT}runner-macos/hooks/cluster-start.sh`, "utf8");
    readFileSync(`${ROOT}runner-macos/hooks/cluster-stop.sh`, "utf8"); // the stop hook exists
    expect(c.cluster.expected_devices).toEqual(["mini1", "mini2", "master"]);
    for (const [mode, hookArg] of [
      ["distributed", "distributed"],
      ["single-device", "single"],
    ] as const) {
      const m = c.cluster[mode];
      // The hook's own usage: `cluster-start.sh distributed|single`.
      expect(startHook).toContain(`${hookArg}) distributed=`);
      expect(m.start).toMatch(new RegExp(`/cluster-start\\.sh" ${hookArg}$`));
      expect(m.start).toContain('MLX_CLUSTER_DIR="$PWD"');
      expect(m.stop).toMatch(/\/cluster-stop\.sh"$/);
      // The hook polls CLUSTER_API_URL and gives up after CLUSTER_READY_TIMEOUT: the same as ours.
      expect(m.env.CLUSTER_API_URL).toBe(m.api_url);
      expect(m.env.CLUSTER_READY_TIMEOUT).toBe(String(c.cluster.readiness_timeout_s));
    }
    expect(c.gate.environments).toEqual(["production"]);
  });

  it("reference-cluster starts `npm run sim` on the ports it then measures", () => {
    const c = parseConfigYaml(
      readFileSync(`${ROOT}examples/reference-cluster.mlxbench.yml`, "utf8"),
    );
    const scripts = (
      JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts.sim).toBe("tsx sim/src/main.ts");
    const flag = (command: string, name: string): number =>
      Number(new RegExp(`--${name} (\\d+)`).exec(command)?.[1]);
    const devices = { distributed: c.cluster.expected_devices.length, "single-device": 1 };
    for (const mode of ["distributed", "single-device"] as const) {
      const m = c.cluster[mode];
      const start = m.start ?? "";
      expect(start).toMatch(/^npm run --silent sim -- /);
      expect(flag(start, "port")).toBe(Number(new URL(m.api_url ?? "").port));
      expect(flag(start, "grpc-port")).toBe(Number(m.grpc_target?.split(":")[1]));
      expect(flag(start, "devices")).toBe(devices[mode]);
    }
  });
});
