import { readFile } from "node:fs/promises";
import type { RunResult, Verdict } from "@mlxbench/proto";
import type { ArchiveStore } from "./archive-store.js";
import { baselineKey, indexKey, runKeys } from "./archive-keys.js";
import { contentTypeFor } from "./content-type.js";
import { RunMeta } from "./run-meta.js";
import { tagsForRun } from "./run-tags.js";
import { withRetry, type RetryOptions } from "./with-retry.js";

/** One artifact of a run: bytes in memory or a file on disk, stored under `files/{path}`. */
export interface RunArtifact {
  /** Relative, `/`-separated, e.g. `comprehensive/latency.png` or `logs/cluster-distributed.log`. */
  path: string;
  body?: Uint8Array | string;
  /** Absolute path to read when `body` is absent. */
  file?: string;
}

export interface ArchiveRunInput {
  meta: Omit<RunMeta, "files">;
  runResult: RunResult | null;
  verdict: Verdict | null;
  summaryMarkdown: string;
  artifacts: readonly RunArtifact[];
  /** A default-branch run with a result: its commit's baseline pointer is written. */
  isBaseline: boolean;
}

export interface ArchivedRun {
  meta: RunMeta;
  /** Every key written, in the order written. */
  keys: string[];
}

const ARTIFACT_UPLOADS_IN_PARALLEL = 6;

export const DEFAULT_UPLOAD_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 250 };

/**
 * Writes a run in an order that keeps readers consistent: artifacts and documents first, the
 * baseline pointer next, the index entry last, so a run that is listed is complete. Every object
 * of a PR run (its index entry too) carries PR_RUN_TAGS, so the bucket expires it.
 */
export async function archiveRun(
  store: ArchiveStore,
  input: ArchiveRunInput,
  retry: RetryOptions = DEFAULT_UPLOAD_RETRY,
): Promise<ArchivedRun> {
  const { meta: partial } = input;
  const k = runKeys(partial.repository, partial.runId);
  const written: string[] = [];
  const tags = tagsForRun(partial);
  const put = async (
    key: string,
    body: Uint8Array | string,
    type: string,
    objectTags = tags,
  ): Promise<void> => {
    await withRetry(() => store.put(key, body, type, objectTags), retry);
    written.push(key);
  };
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

  const files: string[] = [];
  const unique = new Map<string, RunArtifact>();
  for (const a of input.artifacts) {
    const rel = a.path.replace(/^\/+/, "");
    if (!unique.has(rel)) unique.set(rel, a);
  }
  // Artifacts go up a few at a time; the documents that make the run visible follow them.
  const queue = [...unique.entries()];
  const uploadNext = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [rel, a] = item;
      const body = a.body ?? (a.file !== undefined ? await readFile(a.file) : undefined);
      if (body === undefined) throw new RangeError(`artifact ${rel} has neither body nor file`);
      await put(k.file(rel), body, contentTypeFor(rel));
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(ARTIFACT_UPLOADS_IN_PARALLEL, queue.length) }, uploadNext),
  );
  files.push(...[...unique.keys()].map((rel) => `files/${rel}`));
  if (input.runResult) {
    await put(k.runResult, json(input.runResult), "application/json");
    files.push("run_result.json");
  }
  if (input.verdict !== undefined && input.verdict !== null) {
    await put(k.verdict, json(input.verdict), "application/json");
    files.push("verdict.json");
  }
  await put(k.summary, input.summaryMarkdown, "text/markdown; charset=utf-8");
  files.push("summary.md");
  const meta = RunMeta.parse({ ...partial, files: [...files, "meta.json"] });
  await put(k.meta, json(meta), "application/json");
  if (input.isBaseline && input.runResult) {
    await put(
      baselineKey(meta.repository, meta.commit),
      json({ runId: meta.runId }),
      "application/json",
      // A baseline pointer must outlive any lifecycle rule (only default-branch runs write one).
      undefined,
    );
  }
  await put(
    indexKey(meta.repository, Date.parse(meta.finishedAt), meta.runId),
    json(meta),
    "application/json",
  );
  return { meta, keys: written };
}
