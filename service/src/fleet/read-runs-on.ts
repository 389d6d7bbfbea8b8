import type { Octokit } from "@octokit/rest";
import { DEFAULT_RUNNER_LABEL } from "@mlxbench/proto";
import { parseConfigYaml } from "@mlxbench/suite/config";

export const CONFIG_PATH = ".mlxbench.yml";

/** Parsed runs-on per blob sha (a blob never changes), and the blob sha per commit. */
export interface RunsOnCache {
  byBlob: Map<string, string[]>;
  byCommit: Map<string, string | null>;
  max: number;
}

export function createRunsOnCache(max = 5000): RunsOnCache {
  return { byBlob: new Map(), byCommit: new Map(), max };
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  if (map.size >= max) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/**
 * The pools a commit's run needs: `runs-on` of its `.mlxbench.yml`, read through the contents API
 * at that sha. No file: the default pool. An invalid file throws MlxbenchConfigError naming the key.
 */
export async function readRunsOn(
  octokit: Octokit,
  repo: { owner: string; name: string },
  sha: string,
  cache: RunsOnCache,
): Promise<string[]> {
  const commitKey = `${repo.owner}/${repo.name}@${sha}`.toLowerCase();
  const knownBlob = cache.byCommit.get(commitKey);
  if (knownBlob === null) return [DEFAULT_RUNNER_LABEL];
  if (knownBlob !== undefined) {
    const labels = cache.byBlob.get(knownBlob);
    if (labels) return labels;
  }
  let file;
  try {
    file = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.name,
      path: CONFIG_PATH,
      ref: sha,
    });
  } catch (err) {
    if ((err as { status?: number }).status === 404) {
      remember(cache.byCommit, commitKey, null, cache.max);
      return [DEFAULT_RUNNER_LABEL];
    }
    throw err;
  }
  const data = file.data;
  if (Array.isArray(data) || data.type !== "file" || !("content" in data)) {
    throw new Error(`${CONFIG_PATH} at ${sha} is not a file`);
  }
  remember(cache.byCommit, commitKey, data.sha, cache.max);
  const cached = cache.byBlob.get(data.sha);
  if (cached) return cached;
  const text = Buffer.from(data.content, "base64").toString("utf8");
  const labels = parseConfigYaml(text, `${CONFIG_PATH} at ${sha.slice(0, 7)}`)["runs-on"];
  remember(cache.byBlob, data.sha, labels, cache.max);
  return labels;
}
