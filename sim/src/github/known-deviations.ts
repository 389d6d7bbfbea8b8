import type { OperationResponseSpec } from "./load-openapi-responses.js";
import type { JsonSchema } from "./validate-json-schema.js";

/**
 * Where GitHub's API sends what its description forbids; the double sends what GitHub sends.
 * Each entry: the operation, the status, the property path (through array items) and why.
 */
const DEVIATIONS: { operationId: string; status: string; path: string[]; why: string }[] = [
  // A pull request whose fork was deleted has `head.repo: null`; the schema says object.
  ...["pulls/get", "pulls/list"].map((operationId) => ({
    operationId,
    status: "200",
    path: ["head", "repo"],
    why: "deleted fork",
  })),
];

/** `spec` with the known deviations allowed (nullable), copied where changed. */
export function allowKnownDeviations(spec: OperationResponseSpec): OperationResponseSpec {
  let statuses = spec.statuses;
  for (const d of DEVIATIONS) {
    const schema = statuses[d.status];
    if (d.operationId !== spec.operationId || !schema) continue;
    statuses = { ...statuses, [d.status]: makeNullable(schema, d.path) };
  }
  return statuses === spec.statuses ? spec : { ...spec, statuses };
}

function makeNullable(schema: JsonSchema, path: string[]): JsonSchema {
  if (schema.items) return { ...schema, items: makeNullable(schema.items, path) };
  const [head, ...rest] = path;
  if (head === undefined) return { ...schema, nullable: true };
  const sub = schema.properties?.[head];
  if (!sub) throw new Error(`known deviation: no property "${head}" in the schema`);
  return { ...schema, properties: { ...schema.properties, [head]: makeNullable(sub, rest) } };
}
