// The repository's import graph, read from the sources with the TypeScript parser: which file imports
// which (relative paths and @mlxbench/* packages through their `exports`), and which workspace depends
// on which. The architecture test asserts on it; `npx tsx checks/src/print-graph.ts` prints it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

export interface ImportEdge {
  from: string;
  /** Repository-relative file, or the bare specifier for a package outside the repository. */
  to: string;
  specifier: string;
  typeOnly: boolean;
  /** Workspace of `to`, or null for an outside package or a Node built-in. */
  toWorkspace: string | null;
}

export interface Workspace {
  /** Folder at the repository root, e.g. "verdict". */
  dir: string;
  /** Package name, e.g. "@mlxbench/verdict". */
  name: string;
  /** Declared dependencies (all kinds). */
  dependencies: string[];
  /** Subpath → repository-relative file. */
  exports: Map<string, string>;
}

export interface ImportGraph {
  root: string;
  workspaces: Workspace[];
  files: string[];
  edges: ImportEdge[];
}

const SOURCE_DIRS = ["src", "bench", "test", "bin", "demo"];
const EXTENSIONS = [".ts", ".tsx"];

export function readWorkspaces(root: string): Workspace[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    workspaces: string[];
  };
  return pkg.workspaces.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as {
      name: string;
      exports?: Record<string, string> | string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const exportsField =
      typeof manifest.exports === "string" ? { ".": manifest.exports } : (manifest.exports ?? {});
    const exports = new Map<string, string>();
    for (const [sub, target] of Object.entries(exportsField)) {
      exports.set(sub, join(dir, target).replaceAll("\\", "/"));
    }
    return {
      dir,
      name: manifest.name,
      dependencies: [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.devDependencies ?? {}),
      ],
      exports,
    };
  });
}

function listSources(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs)) {
      if (entry === "node_modules" || entry === "cdk.out" || entry.startsWith(".")) continue;
      const path = join(abs, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (EXTENSIONS.some((e) => entry.endsWith(e)) && !entry.endsWith(".d.ts")) {
        out.push(relative(root, path).replaceAll("\\", "/"));
      }
    }
  };
  for (const sub of SOURCE_DIRS) {
    const abs = join(root, dir, sub);
    if (existsSync(abs)) walk(abs);
  }
  return out.sort();
}

interface RawImport {
  specifier: string;
  typeOnly: boolean;
}

/** Static imports, re-exports and `import("…")` calls of one file. */
export function readImports(fileName: string, text: string): RawImport[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: RawImport[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveRelative(root: string, from: string, specifier: string): string | null {
  const base = resolve(root, dirname(from), specifier);
  const stem = base.replace(/\.(js|jsx|ts|tsx|mjs)$/, "");
  const candidates = [
    ...EXTENSIONS.map((e) => stem + e),
    ...EXTENSIONS.map((e) => join(base, "index" + e)),
    base,
  ];
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isFile()) return relative(root, c).replaceAll("\\", "/");
  }
  return null;
}

export function buildImportGraph(root: string): ImportGraph {
  const workspaces = readWorkspaces(root);
  const byName = new Map(workspaces.map((w) => [w.name, w]));
  const workspaceOf = (file: string): string | null =>
    workspaces.find((w) => file.startsWith(w.dir + "/"))?.dir ?? null;
  const files = workspaces.flatMap((w) => listSources(root, w.dir));
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const { specifier, typeOnly } of readImports(
      from,
      readFileSync(join(root, from), "utf8"),
    )) {
      if (specifier.startsWith(".")) {
        const to = resolveRelative(root, from, specifier);
        if (to === null) throw new Error(`${from}: cannot resolve import "${specifier}"`);
        edges.push({ from, to, specifier, typeOnly, toWorkspace: workspaceOf(to) });
        continue;
      }
      const match = /^(@mlxbench\/[^/]+)(\/.*)?$/.exec(specifier);
      const ws = match?.[1] === undefined ? undefined : byName.get(match[1]);
      if (match && ws) {
        const sub = "." + (match[2] ?? "");
        const to = ws.exports.get(sub);
        if (to === undefined) {
          throw new Error(`${from}: "${specifier}" is not in the exports of ${ws.name}`);
        }
        edges.push({ from, to, specifier, typeOnly, toWorkspace: ws.dir });
        continue;
      }
      edges.push({ from, to: specifier, specifier, typeOnly, toWorkspace: null });
    }
  }
  return { root, workspaces, files, edges };
}

/** Strongly connected components with more than one file (or a file importing itself): the cycles. */
export function findCycles(files: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (next.has(e.to)) next.get(e.from)?.push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const lowOf = (n: string): number => low.get(n) ?? Infinity;
  const enter = (n: string): void => {
    index.set(n, counter);
    low.set(n, counter++);
    stack.push(n);
    onStack.add(n);
  };
  // Iterative Tarjan, so a deep import chain does not depend on the call stack's size.
  for (const start of files) {
    if (index.has(start)) continue;
    enter(start);
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    for (let top = work.at(-1); top !== undefined; top = work.at(-1)) {
      const succ = next.get(top.node) ?? [];
      const w = succ[top.i++];
      if (w !== undefined) {
        if (!index.has(w)) {
          enter(w);
          work.push({ node: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(lowOf(top.node), index.get(w) ?? Infinity));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.node, Math.min(lowOf(parent.node), lowOf(top.node)));
      if (lowOf(top.node) !== index.get(top.node)) continue;
      const component: string[] = [];
      for (let popped = stack.pop(); popped !== undefined; popped = stack.pop()) {
        onStack.delete(popped);
        component.push(popped);
        if (popped === top.node) break;
      }
      if (component.length > 1 || succ.includes(top.node)) cycles.push(component.sort());
    }
  }
  return cycles;
}

/** Workspace → the workspaces it imports (from the sources, not the manifests). */
export function workspaceArrows(graph: ImportGraph): Map<string, Set<string>> {
  const arrows = new Map<string, Set<string>>(graph.workspaces.map((w) => [w.dir, new Set()]));
  for (const e of graph.edges) {
    const fromWs = graph.workspaces.find((w) => e.from.startsWith(w.dir + "/"))?.dir;
    if (fromWs && e.toWorkspace && e.toWorkspace !== fromWs) arrows.get(fromWs)?.add(e.toWorkspace);
  }
  return arrows;
}
