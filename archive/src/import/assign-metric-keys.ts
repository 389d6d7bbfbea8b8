import type { Direction } from "@mlxbench/proto";

// Which metric key each imported bench is stored under, and the checks on the names people give.

/** `--metric NAME=KEY`: a bench (by its name, or `suite/name`) stored under one of our metric keys. */
export interface MetricMapping {
  from: string;
  key: string;
}

/** `--direction NAME=higher|lower`: NAME is a bench name, `suite/name`, or the metric key. */
export interface DirectionOverride {
  name: string;
  direction: Direction;
}

export interface Point {
  commit: string;
  entry: number;
  value: unknown;
  unit: string;
}

export interface Series {
  suite: string;
  name: string;
  tool: string;
  points: Point[];
}

/** `imported.{suite}.{bench}` with everything but letters, digits, `_` and `-` turned to `_`. */
export function namespacedKey(suite: string, name: string): string {
  const slug = (s: string): string =>
    s
      .trim()
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .replace(/^_+|_+$/g, "") || "_";
  return `imported.${slug(suite)}.${slug(name)}`;
}

/** Each series' metric key: its --metric mapping, else its namespaced key; clashes fail. */
export function assignKeys(
  all: readonly Series[],
  mappings: readonly MetricMapping[],
  fail: (why: string) => never,
): Map<Series, string> {
  const keys = new Map<Series, string>();
  for (const m of mappings) {
    const hits = all.filter((s) => s.name === m.from || `${s.suite}/${s.name}` === m.from);
    if (hits.length === 0)
      fail(
        `--metric ${m.from}=${m.key}: no bench named ${JSON.stringify(m.from)} (benches: ${listNames(all)})`,
      );
    if (hits.length > 1)
      fail(
        `--metric ${m.from}=${m.key}: ${JSON.stringify(m.from)} is a bench of ${hits.length} suites (${hits.map((h) => h.suite).join(", ")}); name one as SUITE/NAME`,
      );
    const [hit] = hits;
    if (hit === undefined) continue;
    const before = keys.get(hit);
    if (before !== undefined && before !== m.key)
      fail(`--metric maps ${hit.suite}/${hit.name} twice (${before}, ${m.key})`);
    keys.set(hit, m.key);
  }
  const owner = new Map<string, Series>();
  for (const s of all) {
    const key = keys.get(s) ?? namespacedKey(s.suite, s.name);
    const other = owner.get(key);
    if (other !== undefined)
      fail(
        `${other.suite}/${other.name} and ${s.suite}/${s.name} would both be stored as ${key}; map one of them with --metric`,
      );
    owner.set(key, s);
    keys.set(s, key);
  }
  return keys;
}

/** Every --direction names a bench or a metric key of the import. */
export function checkDirectionNames(
  all: readonly Series[],
  keys: ReadonlyMap<Series, string>,
  overrides: readonly DirectionOverride[],
  fail: (why: string) => never,
): void {
  for (const d of overrides) {
    const known = all.some(
      (s) => s.name === d.name || `${s.suite}/${s.name}` === d.name || keys.get(s) === d.name,
    );
    if (!known)
      fail(
        `--direction ${d.name}: no bench or metric key ${JSON.stringify(d.name)} (benches: ${listNames(all)})`,
      );
  }
}

function listNames(all: readonly Series[]): string {
  const names = all.map((s) => `${s.suite}/${s.name}`);
  return names.length > 8
    ? `${names.slice(0, 8).join(", ")}, … ${names.length - 8} more`
    : names.join(", ");
}
