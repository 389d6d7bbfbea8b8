import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { randomUUID } from "node:crypto";
import {
  ArchiveStoreError,
  checkKey,
  type ArchiveStore,
  type ListOptions,
} from "./archive-store.js";
import { contentTypeFor } from "./content-type.js";

/**
 * The archive as a directory (tags are ignored: a directory has no lifecycle rules): key `a/b/c.json` is the file `dir/a/b/c.json`. Content types come
 * from the extension (the same rule the S3 writer uses), so no sidecar files are needed.
 */
export function createLocalArchiveStore(dir: string): ArchiveStore {
  const pathOf = (key: string): string => join(dir, ...checkKey(key).split("/"));
  return {
    location: dir,
    async put(key, body, _contentType, _tags) {
      const path = pathOf(key);
      try {
        await mkdir(dirname(path), { recursive: true });
        // Write then rename: a reader never sees half an object.
        const tmp = `${path}.${randomUUID().slice(0, 8)}.tmp`;
        await writeFile(tmp, body);
        await rename(tmp, path);
      } catch (err) {
        throw new ArchiveStoreError(
          `cannot write ${key} under ${dir}: ${(err as Error).message}`,
          key,
          { cause: err },
        );
      }
    },
    async get(key) {
      try {
        return { body: await readFile(pathOf(key)), contentType: contentTypeFor(key) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw new ArchiveStoreError(
          `cannot read ${key} under ${dir}: ${(err as Error).message}`,
          key,
          { cause: err },
        );
      }
    },
    async list(prefix, options: ListOptions = {}) {
      // Walk only the deepest directory the prefix names, then filter by the full prefix.
      const slash = prefix.lastIndexOf("/");
      const base = slash >= 0 ? prefix.slice(0, slash) : "";
      const root = base ? join(dir, ...base.split("/")) : dir;
      const keys: string[] = [];
      await walk(root, (file) => {
        const key = relative(dir, file).split(sep).join("/");
        if (key.startsWith(prefix) && !key.endsWith(".tmp")) keys.push(key);
      });
      keys.sort();
      const after = options.startAfter;
      const filtered = after === undefined ? keys : keys.filter((k) => k > after);
      return options.limit === undefined ? filtered : filtered.slice(0, options.limit);
    },
  };
}

async function walk(dir: string, visit: (file: string) => void): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === "ENOENT" ||
      (err as NodeJS.ErrnoException).code === "ENOTDIR"
    )
      return;
    throw err;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) await walk(path, visit);
    else if (e.isFile()) visit(path);
  }
}
