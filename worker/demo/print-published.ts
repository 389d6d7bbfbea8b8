// What the demo prints: the check run and the PR comment as GitHub shows them (Markdown, as
// posted), and where the archive's pages are.
import type { DemoResult } from "./demo-job.js";

const RULE = "─".repeat(78);

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `  │ ${l}`)
    .join("\n");
}

export function formatPublished(r: DemoResult, pagesUrl: string, repo: string): string {
  const out = [RULE, `${r.step.name}: ${r.outcome.conclusion} — ${firstLine(r.outcome.reason)}`];
  if (r.check) {
    const output = r.check.output ?? {};
    out.push(
      `\n  Check run "${r.check.name}" — ${r.check.status}, conclusion ${r.check.conclusion ?? "none"}`,
      `  title: ${text(output["title"])}`,
      "  summary:",
      indent(text(output["summary"])),
    );
    if (typeof output["text"] === "string" && output["text"].trim() !== "")
      out.push("  text (the check's details):", indent(output["text"]));
  } else out.push("\n  (no check run was published)");
  if (r.step.pullRequest !== undefined) {
    out.push(`\n  Comment on PR #${r.step.pullRequest}:`);
    out.push(r.comment ? indent(r.comment.body) : "  (no comment was posted)");
  }
  out.push(`\n  Run page: ${pagesUrl}/reports/${repo}/runs/${r.jobId}`);
  return out.join("\n");
}

export function formatPagesIndex(pagesUrl: string, repo: string, results: DemoResult[]): string {
  return [
    RULE,
    `The archive's pages, read-only on this machine (no GitHub credentials):`,
    `  runs    ${pagesUrl}/reports/${repo}`,
    `  trends  ${pagesUrl}/reports/${repo}/trends`,
    ...results
      .filter((r) => r.step.pullRequest !== undefined)
      .flatMap((r) => [
        `  PR #${r.step.pullRequest} ${pagesUrl}/reports/${repo}/runs/${r.jobId}`,
        `         ${pagesUrl}/reports/${repo}/trends?run=${r.jobId}`,
      ]),
  ].join("\n");
}

function text(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? "";
}
