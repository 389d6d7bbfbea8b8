import type { OperationRequestSpec } from "./load-openapi-operations.js";
import { validateJsonSchema } from "./validate-json-schema.js";

/** A request matched to its operation in the OpenAPI description. */
export interface MatchedOperation {
  operation: OperationRequestSpec;
  pathParams: Record<string, string>;
}

interface CompiledTemplate {
  operation: OperationRequestSpec;
  segments: string[];
  literals: number;
}

/** Finds operations by method and concrete path; build once, match many. */
export class OperationMatcher {
  readonly #byMethod = new Map<string, CompiledTemplate[]>();

  constructor(operations: Iterable<OperationRequestSpec>) {
    for (const operation of operations) {
      const segments = operation.pathTemplate.split("/").slice(1);
      const compiled = {
        operation,
        segments,
        literals: segments.filter((s) => !s.startsWith("{")).length,
      };
      const list = this.#byMethod.get(operation.method) ?? [];
      list.push(compiled);
      this.#byMethod.set(operation.method, list);
    }
    // Most literal segments first, so /repos/{o}/{r}/pulls wins over a looser template.
    for (const list of this.#byMethod.values()) list.sort((a, b) => b.literals - a.literals);
  }

  match(method: string, path: string): MatchedOperation | undefined {
    const segments = path.split("/").slice(1).map(decodeURIComponent);
    const candidates = this.#byMethod.get(method.toUpperCase()) ?? [];
    for (const allowRest of [false, true]) {
      for (const c of candidates) {
        const params = matchSegments(c.segments, segments, allowRest);
        if (params) return { operation: c.operation, pathParams: params };
      }
    }
    return undefined;
  }
}

function matchSegments(
  template: string[],
  actual: string[],
  allowRest: boolean,
): Record<string, string> | undefined {
  // A trailing parameter such as contents' {path} may span several segments.
  if (allowRest && template.at(-1) !== "{path}") return undefined;
  if (allowRest ? actual.length < template.length : actual.length !== template.length)
    return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] ?? "";
    const a = actual[i] ?? "";
    if (t.startsWith("{") && t.endsWith("}")) {
      if (a === "") return undefined;
      const isLast = i === template.length - 1;
      params[t.slice(1, -1)] = isLast && allowRest ? actual.slice(i).join("/") : a;
    } else if (t !== a) {
      return undefined;
    }
  }
  return params;
}

/** Every way a request breaks its operation's description: params, query and JSON body. */
export function validateRequest(
  matched: MatchedOperation,
  query: URLSearchParams,
  body: unknown,
  hasBody: boolean,
): string[] {
  const { operation, pathParams } = matched;
  const problems: string[] = [];
  for (const p of operation.parameters) {
    if (p.in !== "path" && p.in !== "query") continue;
    const raw = p.in === "path" ? pathParams[p.name] : (query.get(p.name) ?? undefined);
    if (raw === undefined) {
      if (p.required === true) problems.push(`${p.in} parameter "${p.name}" is required`);
      continue;
    }
    if (!p.schema) continue;
    const value = coerceParameter(raw, p.schema.type);
    problems.push(...validateJsonSchema(value, p.schema, `${p.in} parameter "${p.name}"`));
  }
  if (operation.bodySchema) {
    if (!hasBody) {
      if (operation.bodyRequired) problems.push("body: a JSON body is required");
    } else {
      problems.push(...validateJsonSchema(body, operation.bodySchema, "body"));
    }
  }
  return problems;
}

function coerceParameter(raw: string, type: string | string[] | undefined): unknown {
  const t = Array.isArray(type) ? type[0] : type;
  if ((t === "integer" || t === "number") && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (t === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}
