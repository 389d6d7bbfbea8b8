import { readFile } from "node:fs/promises";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import type { Node } from "yaml";
import {
  checkMlxbenchConfig,
  MlxbenchConfigError,
  parseMlxbenchConfig,
  type ConfigProblem,
  type MlxbenchConfig,
} from "@mlxbench/proto";

/**
 * Parses `.mlxbench.yml` text. Every problem names its key and the line it is on; a YAML
 * syntax error names its line and column.
 */
export function parseConfigYaml(text: string, source = ".mlxbench.yml"): MlxbenchConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems: ConfigProblem[] = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return {
        path: [],
        message: `YAML syntax error at column ${pos.col}: ${e.message.split("\n")[0] ?? e.code}`,
        line: pos.line,
      };
    });
    throw new MlxbenchConfigError(source, problems);
  }
  const checked = checkMlxbenchConfig(doc.toJS());
  if (checked.ok) return checked.config;
  const located = checked.problems.map((p) => {
    const offset = locateKey(doc.contents, p.path);
    return offset === undefined ? p : { ...p, line: lineCounter.linePos(offset).line };
  });
  throw new MlxbenchConfigError(source, located);
}

/** Reads and parses a config file; a missing file is a config error naming the path. */
export async function loadConfigFile(
  path: string,
  read: (path: string) => Promise<string> = (p) => readFile(p, "utf8"),
): Promise<MlxbenchConfig> {
  let text: string;
  try {
    text = await read(path);
  } catch (err) {
    throw new MlxbenchConfigError(
      path,
      [{ path: [], message: `cannot read file: ${(err as Error).message}` }],
      {
        cause: err,
      },
    );
  }
  return parseConfigYaml(text, path);
}

/** The defaults, for runs without a config file. */
export function defaultConfig(): MlxbenchConfig {
  return parseMlxbenchConfig({}, "(defaults)");
}

/**
 * Offset of the deepest node on `path` that exists: the key itself when the last step is a map
 * key (an unknown key, a bad value), else the nearest existing parent.
 */
function locateKey(root: unknown, path: readonly (string | number)[]): number | undefined {
  let node: unknown = root;
  let offset = rangeStart(root);
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => keyOf(it.key) === String(step));
      if (!pair) return offset;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof step === "number") {
      const item = node.items[step];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function keyOf(key: unknown): string | undefined {
  // Keys are YAML scalar nodes; plain strings and numbers appear when a document is built by hand.
  const raw = key !== null && typeof key === "object" && "value" in key ? key.value : key;
  return typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean"
    ? String(raw)
    : undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}
