import { createRequire } from "node:module";

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

let examples: ExampleGroup[] | undefined;

/**
 * A deep copy of a real payload from @octokit/webhooks-examples: the first example of `event`
 * (with `action`, when given) that carries an installation, so tests adapt ids and SHAs freely.
 */
export function loadExample(event: string, action?: string): Record<string, unknown> {
  examples ??= createRequire(import.meta.url)(
    "@octokit/webhooks-examples/api.github.com/index.json",
  ) as ExampleGroup[];
  const group = examples.find((g) => g.name === event);
  const found =
    group?.examples.find(
      (e) => (action === undefined || e.action === action) && e.installation !== undefined,
    ) ?? group?.examples.find((e) => action === undefined || e.action === action);
  if (!found)
    throw new Error(
      `no example of ${event}${action ? `.${action}` : ""} in @octokit/webhooks-examples`,
    );
  return structuredClone(found);
}

/** Sets `value` at a dotted path of a payload, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) ?? ""] = value;
}
