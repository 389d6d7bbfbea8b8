import { createHash } from "node:crypto";
import {
  findOpenApiSpecPath,
  HTTP_METHODS,
  readSpecExtract,
  type OpenApiDocument,
} from "./read-spec-extract.js";
import { stripDocs } from "./strip-docs.js";
import type { JsonSchema } from "./validate-json-schema.js";

/**
 * What GitHub answers for one operation: per documented status ("200", "404", "default"), the
 * JSON body's schema, or null when that status carries no JSON body (204, 304).
 */
export interface OperationResponseSpec {
  operationId: string;
  statuses: Record<string, JsonSchema | null>;
}

interface OpenApiOperation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

const cached = new Map<string, Map<string, OperationResponseSpec>>();

/**
 * The response side of the operations named (dereferenced schemas are large: only the ones a
 * caller implements are extracted), keyed by operationId. An id the description does not know
 * is an error, so a typo cannot silently switch validation off.
 */
export function loadOpenApiResponses(
  operationIds: readonly string[],
  specPath = findOpenApiSpecPath(),
): Map<string, OperationResponseSpec> {
  const ids = [...new Set(operationIds)].sort();
  const key = createHash("sha1").update(ids.join("\n")).digest("hex").slice(0, 12);
  const hit = cached.get(`${specPath}|${key}`);
  if (hit) return hit;
  const specs = readSpecExtract(`responses-${key}`, specPath, (doc) => extractResponses(doc, ids));
  const byId = new Map(specs.map((s) => [s.operationId, s]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw new Error(`operations not in GitHub's OpenAPI description: ${missing.join(", ")}`);
  }
  cached.set(`${specPath}|${key}`, byId);
  return byId;
}

function extractResponses(doc: OpenApiDocument, ids: readonly string[]): OperationResponseSpec[] {
  const wanted = new Set(ids);
  const specs: OperationResponseSpec[] = [];
  for (const item of Object.values(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || typeof raw !== "object" || raw === null) continue;
      const op = raw as OpenApiOperation;
      if (op.operationId === undefined || !wanted.has(op.operationId)) continue;
      const statuses: Record<string, JsonSchema | null> = {};
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const schema = response.content?.["application/json"]?.schema;
        statuses[status] = schema === undefined ? null : stripDocs(schema);
      }
      specs.push({ operationId: op.operationId, statuses });
    }
  }
  return specs;
}
