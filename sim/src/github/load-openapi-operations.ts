import {
  findOpenApiSpecPath,
  HTTP_METHODS,
  readSpecExtract,
  type OpenApiDocument,
} from "./read-spec-extract.js";
import { stripDocs } from "./strip-docs.js";
import type { JsonSchema } from "./validate-json-schema.js";

export { findOpenApiSpecPath } from "./read-spec-extract.js";

/** One parameter of an operation, as the OpenAPI description gives it. */
export interface OperationParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

/** What a request to one operation must look like (responses: load-openapi-responses.ts). */
export interface OperationRequestSpec {
  operationId: string;
  method: string;
  pathTemplate: string;
  parameters: OperationParameter[];
  bodyRequired: boolean;
  bodySchema: JsonSchema | undefined;
}

let cached: Map<string, OperationRequestSpec> | undefined;

/**
 * The request side of every operation, keyed by `METHOD /path/{template}`; parsed once per
 * process from a small extract cached beside the spec (readSpecExtract).
 */
export function loadOpenApiOperations(
  specPath = findOpenApiSpecPath(),
): Map<string, OperationRequestSpec> {
  if (cached) return cached;
  const ops = readSpecExtract("requests", specPath, extractOperations);
  cached = new Map(ops.map((op) => [`${op.method} ${op.pathTemplate}`, op]));
  return cached;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: OperationParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

function extractOperations(doc: OpenApiDocument): OperationRequestSpec[] {
  const ops: OperationRequestSpec[] = [];
  for (const [pathTemplate, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || typeof raw !== "object" || raw === null) continue;
      const op = raw as OpenApiOperation;
      const content = op.requestBody?.content;
      const bodySchema = content?.["application/json"]?.schema ?? undefined;
      ops.push({
        operationId: op.operationId ?? `${method} ${pathTemplate}`,
        method: method.toUpperCase(),
        pathTemplate,
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          ...(p.required === undefined ? {} : { required: p.required }),
          ...(p.schema === undefined ? {} : { schema: p.schema }),
        })),
        bodyRequired: op.requestBody?.required === true,
        bodySchema: bodySchema === undefined ? undefined : stripDocs(bodySchema),
      });
    }
  }
  return ops;
}
