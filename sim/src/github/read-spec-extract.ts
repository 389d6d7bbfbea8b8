import { createRequire } from "node:module";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** GitHub's dereferenced OpenAPI description, as far as the extracts read it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, unknown>>;
}

export const HTTP_METHODS = new Set([
  "get",
  "put",
  "post",
  "delete",
  "options",
  "head",
  "patch",
  "trace",
]);

/** Path of GitHub's dereferenced OpenAPI description inside @octokit/openapi. */
export function findOpenApiSpecPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@octokit/openapi/package.json");
  return join(pkg, "..", "generated", "api.github.com.deref.json");
}

/**
 * A small extract of the spec, computed by `extract` and cached in the OS temp dir under `name`
 * (keyed by the spec's size and mtime): the spec is 73 MB, so it is parsed only when the extract
 * is not cached yet, and not kept.
 */
export function readSpecExtract<T>(
  name: string,
  specPath: string,
  extract: (doc: OpenApiDocument) => T,
): T {
  const stat = statSync(specPath);
  const cacheDir = join(tmpdir(), "mlxbench-openapi-cache");
  const cacheFile = join(cacheDir, `${name}-${stat.size}-${Math.trunc(stat.mtimeMs)}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, "utf8")) as T;
  } catch {
    const value = extract(JSON.parse(readFileSync(specPath, "utf8")) as OpenApiDocument);
    try {
      mkdirSync(cacheDir, { recursive: true });
      // Write then rename so a concurrent reader never sees half a file.
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, cacheFile);
    } catch {
      // The cache only saves time; a read-only temp dir is not an error.
    }
    return value;
  }
}
