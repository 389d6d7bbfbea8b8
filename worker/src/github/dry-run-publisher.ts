import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LIMITS, oneLine, truncateText } from "./limits.js";
import { CHECK_ACTIONS, type Publisher } from "./publisher.js";

/** Files the dry-run publisher writes under the run's folder. */
export const DRY_RUN_FILES = {
  dir: "github",
  checkRun: "github/check-run.json",
  progress: "github/check-run-progress.log",
  comment: "github/pr-comment.md",
  gate: "github/deployment-gate.json",
} as const;

/** No GitHub App configured: what would be posted is written into `runDir/github/`. */
export function createDryRunPublisher(
  runDir: string,
  now: () => Date = () => new Date(),
): Publisher {
  const file = (rel: string): string => join(runDir, rel);
  const ready = mkdir(file(DRY_RUN_FILES.dir), { recursive: true });
  const json = async (rel: string, v: unknown): Promise<void> => {
    await ready;
    await writeFile(file(rel), `${JSON.stringify(v, null, 2)}\n`);
  };
  return {
    kind: "dry-run",
    async startCheck(summary) {
      await json(DRY_RUN_FILES.checkRun, {
        status: "in_progress",
        started_at: now().toISOString(),
        output: { title: "Running", summary },
      });
    },
    async progress(lines) {
      await ready;
      await appendFile(
        file(DRY_RUN_FILES.progress),
        `${now().toISOString()} ${lines.at(-1) ?? ""}\n`,
      );
    },
    async completeCheck(c) {
      await json(DRY_RUN_FILES.checkRun, {
        status: "completed",
        conclusion: c.conclusion,
        completed_at: now().toISOString(),
        output: {
          title: oneLine(c.title, LIMITS.checkTitle),
          summary: truncateText(c.summary, LIMITS.checkSummary),
          ...(c.text ? { text: truncateText(c.text, LIMITS.checkText) } : {}),
          annotations: c.annotations ?? [],
        },
        actions: CHECK_ACTIONS,
      });
    },
    async upsertPrComment(_prNumber, body) {
      await ready;
      await writeFile(file(DRY_RUN_FILES.comment), truncateText(body, LIMITS.commentBody));
      return "created";
    },
    async answerGate(state, comment) {
      await json(DRY_RUN_FILES.gate, { state, comment: oneLine(comment, 1000) });
    },
  };
}
