import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { ArchiveStore } from "./archive-store.js";
import {
  archiveRun,
  DEFAULT_UPLOAD_RETRY,
  type ArchivedRun,
  type ArchiveRunInput,
} from "./archive-run.js";
import { createLocalArchiveStore } from "./local-archive-store.js";
import { checkSegment } from "./archive-keys.js";
import { withRetry, type RetryOptions } from "./with-retry.js";
import { RunMeta } from "./run-meta.js";
import { tagsForRun } from "./run-tags.js";

export type DurableOutcome =
  { where: "archive"; run: ArchivedRun } | { where: "spool"; run: ArchivedRun; error: unknown };

/**
 * Archives a run; when the archive stays unreachable through every retry, the run goes to
 * `spoolDir/{runId}` with the same keys instead, to be uploaded by `flushSpool` later.
 */
export async function archiveRunDurably(
  input: ArchiveRunInput,
  deps: { store: ArchiveStore; spoolDir: string; retry?: RetryOptions; logger?: Logger },
): Promise<DurableOutcome> {
  try {
    return {
      where: "archive",
      run: await archiveRun(deps.store, input, deps.retry ?? DEFAULT_UPLOAD_RETRY),
    };
  } catch (error) {
    deps.logger?.warn(
      { err: error, runId: input.meta.runId },
      "archive unavailable; keeping the run in the spool",
    );
    const local = createLocalArchiveStore(
      join(deps.spoolDir, checkSegment("run id", input.meta.runId)),
    );
    const run = await archiveRun(local, input, { attempts: 2, baseDelayMs: 50 });
    return { where: "spool", run, error };
  }
}

export interface FlushResult {
  uploaded: string[];
  /** Runs still in the spool, with why. */
  failed: { runId: string; error: unknown }[];
}

/** Ranks keys so the index entry goes last and the baseline pointer just before it. */
function uploadRank(key: string): number {
  if (key.includes("/index/")) return 2;
  if (key.includes("/baselines/")) return 1;
  return 0;
}

/** Uploads every spooled run to `store` (index entries last) and removes what was uploaded. */
export async function flushSpool(
  spoolDir: string,
  store: ArchiveStore,
  options: { retry?: RetryOptions; logger?: Logger } = {},
): Promise<FlushResult> {
  const result: FlushResult = { uploaded: [], failed: [] };
  let entries;
  try {
    entries = await readdir(spoolDir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return result;
    throw err;
  }
  for (const e of entries
    .filter((d) => d.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(spoolDir, e.name);
    const local = createLocalArchiveStore(dir);
    try {
      const keys = (await local.list("reports/")).sort(
        (a, b) => uploadRank(a) - uploadRank(b) || a.localeCompare(b),
      );
      // The spool is a directory, which keeps no tags: they come back from the run's meta.json.
      const metaKey = keys.find((k) => /\/runs\/[^/]+\/meta\.json$/.test(k));
      const metaObj = metaKey ? await local.get(metaKey) : null;
      const tags = metaObj
        ? tagsForRun(RunMeta.parse(JSON.parse(metaObj.body.toString("utf8"))))
        : undefined;
      for (const key of keys) {
        const obj = await local.get(key);
        if (!obj) continue;
        const objectTags = key.includes("/baselines/") ? undefined : tags;
        await withRetry(
          () => store.put(key, obj.body, obj.contentType, objectTags),
          options.retry ?? DEFAULT_UPLOAD_RETRY,
        );
      }
      await rm(dir, { recursive: true, force: true });
      result.uploaded.push(e.name);
      options.logger?.info({ runId: e.name, objects: keys.length }, "spooled run uploaded");
    } catch (error) {
      result.failed.push({ runId: e.name, error });
      options.logger?.warn({ err: error, runId: e.name }, "spooled run not uploaded yet");
    }
  }
  return result;
}
