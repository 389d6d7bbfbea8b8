/** The subset of JSON Schema (OpenAPI 3.0 flavour) that GitHub's request bodies use. */
export interface JsonSchema {
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  maxProperties?: number;
  items?: JsonSchema;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  format?: string;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Every way `value` breaks `schema`, each as "path: reason"; empty when it conforms. */
export function validateJsonSchema(value: unknown, schema: JsonSchema, path = "body"): string[] {
  const problems: string[] = [];
  if (value === null) {
    const types = typeList(schema.type);
    if (schema.nullable === true || types.includes("null")) return problems;
    if (types.length > 0) return [`${path}: must not be null`];
  }
  const types = typeList(schema.type);
  if (types.length > 0 && !types.some((t) => hasType(value, t))) {
    return [`${path}: must be ${types.join(" or ")}, got ${describe(value)}`];
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    problems.push(
      `${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
      problems.push(
        `${path}: must be at most ${schema.maxLength} characters, got ${[...value].length}`,
      );
    }
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      problems.push(`${path}: must be at least ${schema.minLength} characters`);
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      problems.push(`${path}: must match ${schema.pattern}`);
    }
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
      problems.push(`${path}: must be an ISO 8601 date-time`);
    }
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${path}: must be ≥ ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${path}: must be ≤ ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      problems.push(`${path}: must have at most ${schema.maxItems} items, got ${value.length}`);
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      problems.push(`${path}: must have at least ${schema.minItems} items, got ${value.length}`);
    }
    if (
      schema.uniqueItems === true &&
      new Set(value.map((v) => JSON.stringify(v))).size !== value.length
    ) {
      problems.push(`${path}: items must be unique`);
    }
    if (schema.items) {
      const items = schema.items;
      value.forEach((v, i) => problems.push(...validateJsonSchema(v, items, `${path}[${i}]`)));
    }
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) {
      if (!(name in value)) problems.push(`${path}: missing required property "${name}"`);
    }
    const keys = Object.keys(value);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      problems.push(`${path}: must have at most ${schema.maxProperties} properties`);
    }
    for (const key of keys) {
      const sub = schema.properties?.[key];
      if (sub) {
        problems.push(...validateJsonSchema(value[key], sub, `${path}.${key}`));
      } else if (schema.additionalProperties === false) {
        problems.push(`${path}: unknown property "${key}"`);
      } else if (typeof schema.additionalProperties === "object") {
        problems.push(
          ...validateJsonSchema(value[key], schema.additionalProperties, `${path}.${key}`),
        );
      }
    }
  }
  for (const sub of schema.allOf ?? []) problems.push(...validateJsonSchema(value, sub, path));
  if (schema.anyOf && !schema.anyOf.some((s) => validateJsonSchema(value, s, path).length === 0)) {
    problems.push(
      `${path}: matches none of the allowed shapes (${firstReasons(value, schema.anyOf, path)})`,
    );
  }
  if (schema.oneOf) {
    const matches = schema.oneOf.filter(
      (s) => validateJsonSchema(value, s, path).length === 0,
    ).length;
    if (matches !== 1) {
      problems.push(
        matches === 0
          ? `${path}: matches none of the allowed shapes (${firstReasons(value, schema.oneOf, path)})`
          : `${path}: matches ${matches} shapes where exactly one is allowed`,
      );
    }
  }
  return problems;
}

function firstReasons(value: unknown, options: JsonSchema[], path: string): string {
  return options.map((s) => validateJsonSchema(value, s, path)[0] ?? "").join(" | ");
}

function typeList(type: string | string[] | undefined): string[] {
  if (type === undefined) return [];
  return Array.isArray(type) ? type : [type];
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
