import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { RunArtifact } from "@mlxbench/archive";
import type { JobRun } from "./job-run.js";
import type { Outcome } from "./outcome.js";

/**
 * Artifact of a gate answered from an earlier run: the gate run is archived without a result (a
 * copy would count twice among baselines and noise history), so a retry that only republishes
 * finds the reused run through this file.
 */
export const REUSED_FROM_FILE = "reused-from.json";

/** The gate rules a deployment's run was answered by, for a retry that only republishes. */
export const GATE_CONFIG_FILE = "gate-config.json";

/** Step 5: what is archived beside the result: the suite's output tree, and what a retry needs. */
export async function collectArtifacts(run: JobRun, outcome: Outcome): Promise<RunArtifact[]> {
  const artifacts: RunArtifact[] = [];
  if (outcome.reusedRunId)
    artifacts.push(jsonArtifact(REUSED_FROM_FILE, { runId: outcome.reusedRunId }));
  // A retry that only republishes answers the gate again, by the same rules.
  if (run.job.deployment && outcome.config)
    artifacts.push(jsonArtifact(GATE_CONFIG_FILE, outcome.config.gate));
  return [...artifacts, ...(await filesUnder(run.outputDir))];
}

/** The files under `dir` (cluster logs, the publisher's dry-run files…) as artifacts by relative path. */
export async function filesUnder(dir: string, base: string = dir): Promise<RunArtifact[]> {
  return (await listFiles(dir)).map((file) => ({
    path: relative(base, file).split(sep).join("/"),
    file,
  }));
}

/**
 * The run's own charts among the artifacts, as links into the run's archive page. The A/B pairs'
 * charts (confirmation/pair-NN-…) stay in the archive and on the run page's file list: six pairs
 * put 48 more links on the comment's one Charts line.
 */
export function chartLinks(
  artifacts: readonly RunArtifact[],
  runUrl: string | undefined,
): { label: string; url: string }[] {
  if (!runUrl) return [];
  return artifacts
    .filter((a) => a.path.endsWith(".png") && !a.path.startsWith("confirmation/"))
    .map((a) => ({
      label:
        a.path
          .split("/")
          .at(-1)
          ?.replace(/_\d{8}_\d{6}.*\.png$/, "")
          .replace(/\.png$/, "") ?? a.path,
      url: `${runUrl}/files/${a.path}`,
    }));
}

function jsonArtifact(path: string, value: unknown): RunArtifact {
  return { path, body: `${JSON.stringify(value, null, 2)}\n` };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}
