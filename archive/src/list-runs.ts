import type { ArchiveStore } from "./archive-store.js";
import { indexPrefix, parseIndexKey } from "./archive-keys.js";
import { RunMeta, type RunConclusion } from "./run-meta.js";

export interface RunFilter {
  branch?: string;
  pullRequest?: number;
  commit?: string;
  conclusion?: RunConclusion;
  trigger?: string;
  /** Only runs with a RunResult fingerprint (comparable runs). */
  withResult?: boolean;
}

export interface ListRunsOptions extends RunFilter {
  /** Default 50. */
  limit?: number;
  /** Index keys read at most, so a filter that matches nothing stays cheap (default 2000). */
  scanLimit?: number;
}

const PAGE = 100;
const PARALLEL = 8;

/** Runs of a repository, newest first (by finishedAt), filtered. Unreadable index entries are skipped. */
export async function listRuns(
  store: ArchiveStore,
  repository: string,
  options: ListRunsOptions = {},
): Promise<RunMeta[]> {
  const limit = options.limit ?? 50;
  const scanLimit = options.scanLimit ?? 2000;
  const prefix = indexPrefix(repository);
  const out: RunMeta[] = [];
  let startAfter: string | undefined;
  let scanned = 0;
  while (out.length < limit && scanned < scanLimit) {
    const keys = await store.list(prefix, {
      limit: Math.min(PAGE, scanLimit - scanned),
      ...(startAfter ? { startAfter } : {}),
    });
    if (keys.length === 0) break;
    scanned += keys.length;
    startAfter = keys.at(-1);
    const entries = keys.filter((k) => parseIndexKey(k) !== null);
    for (let i = 0; i < entries.length && out.length < limit; i += PARALLEL) {
      const metas = await Promise.all(
        entries.slice(i, i + PARALLEL).map((k) => readMeta(store, k)),
      );
      for (const m of metas) if (m && matches(m, options) && out.length < limit) out.push(m);
    }
    if (keys.length < PAGE) break;
  }
  return out;
}

async function readMeta(store: ArchiveStore, key: string): Promise<RunMeta | null> {
  const obj = await store.get(key);
  if (!obj) return null;
  try {
    const parsed = RunMeta.safeParse(JSON.parse(obj.body.toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function matches(m: RunMeta, f: RunFilter): boolean {
  return (
    (f.branch === undefined || m.branch === f.branch) &&
    (f.pullRequest === undefined || m.pullRequest === f.pullRequest) &&
    (f.commit === undefined || m.commit === f.commit || m.commit.startsWith(f.commit)) &&
    (f.conclusion === undefined || m.conclusion === f.conclusion) &&
    (f.trigger === undefined || m.trigger === f.trigger) &&
    (!f.withResult || m.fingerprint !== undefined)
  );
}
