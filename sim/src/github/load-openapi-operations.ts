import { createRequire } from "node:module";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonSchema } from "./validate-json-schema.js";

/** One parameter of an operation, as the OpenAPI description gives it. */
export interface OperationParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

/** What a request to one operation must look like: no responses, they are not checked. */
export interface OperationRequestSpec {
  operationId: string;
  method: string;
  pathTemplate: string;
  parameters: OperationParameter[];
  bodyRequired: boolean;
  bodySchema: JsonSchema | undefined;
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

let cached: Map<string, OperationRequestSpec> | undefined;

/** Path of GitHub's dereferenced OpenAPI description inside @octokit/openapi. */
export function findOpenApiSpecPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@octokit/openapi/package.json");
  return join(pkg, "..", "generated", "api.github.com.deref.json");
}

/**
 * The request side of every operation, keyed by `METHOD /path/{template}`.
 * The spec is 73 MB: it is parsed once per process, and the small request-only extract is
 * cached in the OS temp dir (keyed by the spec's size and mtime) so later processes skip it.
 */
export function loadOpenApiOperations(
  specPath = findOpenApiSpecPath(),
): Map<string, OperationRequestSpec> {
  if (cached) return cached;
  const stat = statSync(specPath);
  const cacheDir = join(tmpdir(), "mlxbench-openapi-cache");
  const cacheFile = join(cacheDir, `requests-${stat.size}-${Math.trunc(stat.mtimeMs)}.json`);
  let ops: OperationRequestSpec[] | undefined;
  try {
    ops = JSON.parse(readFileSync(cacheFile, "utf8")) as OperationRequestSpec[];
  } catch {
    ops = extractOperations(JSON.parse(readFileSync(specPath, "utf8")) as OpenApiDocument);
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Write then rename so a concurrent reader never sees half a file.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(ops));
      renameSync(tmp, cacheFile);
    } catch {
      // The cache only saves time; a read-only temp dir is not an error.
    }
  }
  cached = new Map(ops.map((op) => [`${op.method} ${op.pathTemplate}`, op]));
  return cached;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
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

const PROSE_KEYS = new Set(["description", "example", "examples", "title", "default", "readOnly"]);

/** Drops prose (description, example…) so the cached extract stays small; keeps property names. */
function stripDocs(schema: JsonSchema): JsonSchema {
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
