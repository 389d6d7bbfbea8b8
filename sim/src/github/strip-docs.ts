import type { JsonSchema } from "./validate-json-schema.js";

const PROSE_KEYS = new Set(["description", "example", "examples", "title", "default", "readOnly"]);

/** Drops prose (description, example…) so a cached extract stays small; keeps property names. */
export function stripDocs(schema: JsonSchema): JsonSchema {
  const out: Record<string, unknown> & JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (PROSE_KEYS.has(key)) continue;
    if (key === "properties" && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, s]) => [
          name,
          stripDocs(s),
        ]),
      );
    } else if ((key === "oneOf" || key === "anyOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = (value as JsonSchema[]).map(stripDocs);
    } else if ((key === "items" || key === "additionalProperties") && isSchema(value)) {
      out[key] = stripDocs(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
