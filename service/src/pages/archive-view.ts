import type { z } from "zod";
import { RunResult, Verdict } from "@mlxbench/proto";
import {
  indexPrefix,
  listRuns,
  parseIndexKey,
  RunMeta,
  runKeys,
  type ArchiveStore,
} from "@mlxbench/archive";

/** One archived document as the pages see it: a corrupt one is reported, not thrown. */
export type Doc<T> =
  { state: "ok"; value: T } | { state: "missing" } | { state: "corrupt"; problem: string };

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Owner, repo and run ids from a URL: one plain segment each, or null. */
export function isSegment(value: string | undefined): value is string {
  return value !== undefined && SEGMENT.test(value) && value !== "." && value !== "..";
}

/** Reads and validates one JSON document; `schema` names what it must be. */
export async function readJsonDoc<T>(
  store: ArchiveStore,
  key: string,
  schema: z.ZodType<T>,
): Promise<Doc<T>> {
  const obj = await store.get(key);
  if (!obj) return { state: "missing" };
  let raw: unknown;
  try {
    raw = JSON.parse(obj.body.toString("utf8"));
  } catch (err) {
    return { state: "corrupt", problem: `not valid JSON (${(err as Error).message})` };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { state: "ok", value: parsed.data };
  const first = parsed.error.issues[0];
  const where = first
    ? `${first.path.map(String).join(".") || "(root)"}: ${first.message}`
    : "unexpected shape";
  return { state: "corrupt", problem: `not the expected document (${where})` };
}

export async function readTextDoc(store: ArchiveStore, key: string): Promise<Doc<string>> {
  const obj = await store.get(key);
  return obj ? { state: "ok", value: obj.body.toString("utf8") } : { state: "missing" };
}

export interface RepoState {
  repository: string;
  /** From the newest run: a repository made private hides all of its history. */
  private: boolean;
  defaultBranch: string;
  newestRunId: string;
}

/** What the newest run says about a repository; null when it has no readable runs. */
export async function readRepoState(
  store: ArchiveStore,
  repository: string,
): Promise<RepoState | null> {
  const [newest] = await listRuns(store, repository, { limit: 1, scanLimit: 50 });
  if (!newest) return null;
  return {
    repository,
    private: newest.private,
    defaultBranch: newest.defaultBranch,
    newestRunId: newest.runId,
  };
}

export interface RunDocs {
  meta: Doc<RunMeta>;
  /** Index entry of the run, read only when meta.json is not usable. */
  indexMeta: RunMeta | null;
  runResult: Doc<RunResult>;
  verdict: Doc<Verdict>;
  summary: Doc<string>;
  /** Every key under the run folder, relative to it. */
  keys: string[];
}

/** A run's documents, each on its own so one broken file does not hide the others; null when the run is unknown. */
export async function loadRunDocs(
  store: ArchiveStore,
  repository: string,
  runId: string,
): Promise<RunDocs | null> {
  const k = runKeys(repository, runId);
  const [meta, runResult, verdict, summary, keys] = await Promise.all([
    readJsonDoc(store, k.meta, RunMeta),
    readJsonDoc(store, k.runResult, RunResult),
    readJsonDoc(store, k.verdict, Verdict),
    readTextDoc(store, k.summary),
    store.list(k.prefix),
  ]);
  if (keys.length === 0) return null;
  const indexMeta = meta.state === "ok" ? null : await findIndexEntry(store, repository, runId);
  return {
    meta,
    indexMeta,
    runResult,
    verdict,
    summary,
    keys: keys.map((key) => key.slice(k.prefix.length)),
  };
}

async function findIndexEntry(
  store: ArchiveStore,
  repository: string,
  runId: string,
): Promise<RunMeta | null> {
  const keys = await store.list(indexPrefix(repository));
  const key = keys.find((k) => parseIndexKey(k)?.runId === runId);
  if (key === undefined) return null;
  const doc = await readJsonDoc(store, key, RunMeta);
  return doc.state === "ok" ? doc.value : null;
}

/** The best RunMeta known for a run, or null. */
export function metaOf(docs: RunDocs): RunMeta | null {
  return docs.meta.state === "ok" ? docs.meta.value : docs.indexMeta;
}
