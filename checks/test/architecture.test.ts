// The house's rules, checked on the sources on every `npm test`: arrows between workspaces run one
// way, no import cycles, the verdict stays pure, the service never needs the runner agent, files
// and functions stay short. The fixture cases prove each rule can fail.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  buildImportGraph,
  findCycles,
  workspaceArrows,
  type ImportEdge,
  type ImportGraph,
} from "../src/import-graph.js";
import { findLongFunctions, findLongFunctionsIn } from "../src/long-functions.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Lower layers first: a workspace may import only those before it. */
const LAYERS = ["proto", "sim", "verdict", "archive", "suite", "service", "worker", "infra"];
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 200;
const isTestOrBench = (file: string): boolean =>
  /\.test\.tsx?$|\.test-support\.ts$|\.test-helper\.ts$|\/test\/|\/bench\/|\/demo\/|\/testing\//.test(
    file,
  );

function workspaceOf(graph: ImportGraph, file: string): string | undefined {
  return graph.workspaces.find((w) => file.startsWith(w.dir + "/"))?.dir;
}

function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [from, targets] of workspaceArrows(graph)) {
    for (const to of targets) {
      if (LAYERS.indexOf(to) >= LAYERS.indexOf(from)) out.push(`${from} → ${to}`);
    }
  }
  return out;
}

/** An import of another workspace by relative path skips its `exports` and its package.json entry. */
function relativeCrossings(graph: ImportGraph): string[] {
  return graph.edges
    .filter(
      (e) =>
        e.specifier.startsWith(".") &&
        e.toWorkspace !== null &&
        e.toWorkspace !== workspaceOf(graph, e.from),
    )
    .map((e) => `${e.from} imports ${e.specifier}`);
}

function undeclared(graph: ImportGraph): string[] {
  return graph.edges
    .filter((e) => e.toWorkspace !== null && e.specifier.startsWith("@mlxbench/"))
    .filter((e) => {
      const ws = graph.workspaces.find((w) => w.dir === workspaceOf(graph, e.from));
      const target = graph.workspaces.find((w) => w.dir === e.toWorkspace);
      return (
        ws !== undefined &&
        target !== undefined &&
        ws !== target &&
        !ws.dependencies.includes(target.name)
      );
    })
    .map((e) => `${e.from} imports ${e.specifier} without it in its package.json`);
}

function productionEdges(graph: ImportGraph, dir: string): ImportEdge[] {
  return graph.edges.filter((e) => e.from.startsWith(dir + "/") && !isTestOrBench(e.from));
}

/** A file over the limit says why at its top, in a comment starting "Over 300 lines:". */
function oversized(root: string, files: readonly string[]): string[] {
  return files
    .filter((f) => !isTestOrBench(f))
    .flatMap((f) => {
      const text = readFileSync(join(root, f), "utf8");
      const lines = text.split("\n").length;
      if (lines <= MAX_FILE_LINES) return [];
      const head = text.split("\n").slice(0, 8).join("\n");
      return /Over 300 lines:/.test(head) ? [] : [`${f} (${lines} lines)`];
    });
}

describe("the repository's architecture", () => {
  const graph = buildImportGraph(ROOT);

  it("reads every workspace's sources", () => {
    expect(graph.workspaces.map((w) => w.dir)).toEqual(expect.arrayContaining(LAYERS));
    for (const dir of LAYERS) expect(graph.files.some((f) => f.startsWith(dir + "/"))).toBe(true);
  });

  it("has arrows between workspaces that run one way (lower layers never import higher ones)", () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it("crosses into another workspace only through its package name, declared in package.json", () => {
    expect(relativeCrossings(graph)).toEqual([]);
    expect(undeclared(graph)).toEqual([]);
  });

  it("has no import cycles", () => {
    expect(findCycles(graph.files, graph.edges)).toEqual([]);
  });

  it("keeps the verdict pure: no Node built-ins, no I/O libraries", () => {
    const outside = productionEdges(graph, "verdict")
      .filter((e) => e.toWorkspace === null)
      .map((e) => e.specifier);
    expect([...new Set(outside)].filter((s) => s !== "zod")).toEqual([]);
  });

  it("keeps the service independent of the runner agent", () => {
    const fromService = graph.edges.filter(
      (e) => e.from.startsWith("service/") && e.toWorkspace === "worker",
    );
    expect(fromService.map((e) => e.from)).toEqual([]);
    const workerToService = productionEdges(graph, "worker").filter(
      (e) => e.toWorkspace === "service",
    );
    expect(workerToService.map((e) => e.from)).toEqual([]);
  });

  it("keeps source files short, or says at the top why one is long", () => {
    expect(oversized(ROOT, graph.files)).toEqual([]);
  });

  it(`keeps every function, method and arrow body within ${MAX_FUNCTION_LINES} lines`, () => {
    const production = graph.files.filter((f) => !isTestOrBench(f));
    expect(findLongFunctions(ROOT, production, MAX_FUNCTION_LINES)).toEqual([]);
  });
});

describe("the rules can fail", () => {
  function fixture(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), "mlxbench-arch-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }
  const manifest = (name: string, deps: string[] = []): string =>
    JSON.stringify({
      name,
      exports: { ".": "./src/index.ts" },
      dependencies: Object.fromEntries(deps.map((d) => [d, "0.1.0"])),
    });

  it("finds a cycle, a backwards arrow, a relative crossing and an undeclared dependency", () => {
    const root = fixture({
      "package.json": JSON.stringify({ workspaces: ["proto", "verdict"] }),
      "proto/package.json": manifest("@mlxbench/proto"),
      "verdict/package.json": manifest("@mlxbench/verdict"),
      "proto/src/index.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
      "proto/src/b.ts":
        'import type { a } from "./index.js";\nimport { v } from "@mlxbench/verdict";\nexport const b: typeof a = v;\n',
      "proto/src/c.ts": "export const c = 1;\n",
      "verdict/src/index.ts": 'export { c as v } from "../../proto/src/c.js";\n',
    });
    const g = buildImportGraph(root);
    expect(findCycles(g.files, g.edges)).toEqual([["proto/src/b.ts", "proto/src/index.ts"]]);
    expect(workspaceArrows(g).get("proto")).toEqual(new Set(["verdict"]));
    expect(relativeCrossings(g)).toEqual(["verdict/src/index.ts imports ../../proto/src/c.js"]);
    expect(undeclared(g)).toEqual([
      "proto/src/b.ts imports @mlxbench/verdict without it in its package.json",
    ]);
  });

  it("flags a long file without a reason and lets one with a reason pass", () => {
    const long = Array.from({ length: 320 }, (_, i) => `export const x${i} = ${i};`).join("\n");
    const root = fixture({
      "a/src/long.ts": long,
      "a/src/explained.ts": "// Over 300 lines: one generated table.\n" + long,
    });
    expect(oversized(root, ["a/src/long.ts", "a/src/explained.ts"])).toEqual([
      "a/src/long.ts (320 lines)",
    ]);
  });

  it("flags a long function, method or arrow and lets a short one pass", () => {
    const body = (n: number): string =>
      Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join("\n");
    const text = [
      `export function long(): void {\n${body(205)}\n}`,
      `export function short(): void {\n${body(10)}\n}`,
      `export const arrow = (): void => {\n${body(205)}\n};`,
      `export class C {\n  method(): void {\n${body(205)}\n  }\n}`,
    ].join("\n");
    const found = findLongFunctionsIn("a/src/long.ts", text, MAX_FUNCTION_LINES);
    expect(found.map((f) => [f.name, f.lines])).toEqual([
      ["long", 207],
      ["arrow", 207],
      ["method", 207],
    ]);
  });
});
