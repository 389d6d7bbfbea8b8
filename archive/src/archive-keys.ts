// The key layout of docs/archive-layout.md, in one place.

const MAX_EPOCH_MS = 9_999_999_999_999;
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** A path segment taken from outside (owner, repo, run id, commit) must be one plain segment. */
export function checkSegment(what: string, value: string): string {
  if (!SEGMENT.test(value) || value === "." || value === "..") {
    throw new RangeError(
      `${what} ${JSON.stringify(value)} may only hold letters, digits, '_', '.', '-'`,
    );
  }
  return value;
}

export function repoPrefix(repository: string): string {
  const [owner = "", repo = "", ...rest] = repository.split("/");
  if (rest.length > 0)
    throw new RangeError(`repository ${JSON.stringify(repository)} must be owner/repo`);
  return `reports/${checkSegment("owner", owner)}/${checkSegment("repo", repo)}/`;
}

export function runPrefix(repository: string, runId: string): string {
  return `${repoPrefix(repository)}runs/${checkSegment("run id", runId)}/`;
}

export const runKeys = (repository: string, runId: string) => {
  const p = runPrefix(repository, runId);
  return {
    prefix: p,
    meta: `${p}meta.json`,
    runResult: `${p}run_result.json`,
    verdict: `${p}verdict.json`,
    summary: `${p}summary.md`,
    file: (relPath: string) => `${p}files/${relPath}`,
  };
};

/** `9999999999999 - finishedAt`, zero-padded: a lexicographic listing is newest first. */
export function invertTimestamp(finishedAtMs: number): string {
  if (!Number.isFinite(finishedAtMs) || finishedAtMs < 0 || finishedAtMs > MAX_EPOCH_MS) {
    throw new RangeError(`finishedAt ${finishedAtMs} is outside the archive's time range`);
  }
  return String(MAX_EPOCH_MS - Math.floor(finishedAtMs)).padStart(13, "0");
}

export function indexPrefix(repository: string): string {
  return `${repoPrefix(repository)}index/`;
}

export function indexKey(repository: string, finishedAtMs: number, runId: string): string {
  return `${indexPrefix(repository)}${invertTimestamp(finishedAtMs)}_${checkSegment("run id", runId)}.json`;
}

/** The run id of an index key, or null for a key that is not an index entry. */
export function parseIndexKey(key: string): { invTs: string; runId: string } | null {
  const m = /\/index\/(\d{13})_([A-Za-z0-9_.-]+)\.json$/.exec(key);
  return m ? { invTs: m[1] ?? "", runId: m[2] ?? "" } : null;
}

export function baselinePrefix(repository: string): string {
  return `${repoPrefix(repository)}baselines/`;
}

export function baselineKey(repository: string, commitSha: string): string {
  return `${baselinePrefix(repository)}${checkSegment("commit", commitSha)}.json`;
}
