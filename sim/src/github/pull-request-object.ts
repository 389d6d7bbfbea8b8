import { idOf, repositoryObject, simpleUser } from "./github-objects.js";

/** A pull request as a test sets it up; the double answers it as GitHub's full object. */
export interface PullRequestFixture {
  number: number;
  headSha: string;
  headRef?: string;
  /** Full name of the head repository; differs from the base for a fork, null when deleted. */
  headRepoFullName?: string | null;
  baseSha?: string;
  baseRef?: string;
  draft?: boolean;
  userLogin?: string;
  state?: "open" | "closed";
  /** GitHub's updated_at (ISO 8601); default the time the fixture was added. */
  updatedAt?: string;
}

/** pulls/get and pulls/list items, every required field filled. */
export function pullRequestObject(repoName: string, pr: PullRequestFixture, updatedAt: string) {
  const headRepo = pr.headRepoFullName === undefined ? repoName : pr.headRepoFullName;
  const headOwner = (headRepo ?? repoName).split("/")[0] ?? "";
  const baseOwner = repoName.split("/")[0] ?? "";
  const url = `https://api.github.com/repos/${repoName}/pulls/${pr.number}`;
  const issue = `https://api.github.com/repos/${repoName}/issues/${pr.number}`;
  const html = `https://github.com/${repoName}/pull/${pr.number}`;
  const headRef = pr.headRef ?? "feature";
  const baseRef = pr.baseRef ?? "main";
  const state = pr.state ?? "open";
  const id = idOf(`${repoName}#${pr.number}`);
  return {
    url,
    id,
    node_id: Buffer.from(`0:PullRequest${id}`).toString("base64").replace(/=+$/, ""),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `https://api.github.com/repos/${repoName}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `https://api.github.com/repos/${repoName}/statuses/${pr.headSha}`,
    number: pr.number,
    state,
    locked: false,
    title: `Pull request #${pr.number}`,
    user: simpleUser(pr.userLogin ?? "octocat"),
    body: null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: updatedAt,
    updated_at: updatedAt,
    closed_at: state === "closed" ? updatedAt : null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${headOwner}:${headRef}`,
      ref: headRef,
      sha: pr.headSha,
      user: simpleUser(headOwner),
      repo: headRepo === null ? null : repositoryObject(headRepo, headRepo !== repoName),
    },
    base: {
      label: `${baseOwner}:${baseRef}`,
      ref: baseRef,
      sha: pr.baseSha ?? "0".repeat(40),
      user: simpleUser(baseOwner),
      repo: repositoryObject(repoName),
    },
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: {
        href: `https://api.github.com/repos/${repoName}/pulls/comments{/number}`,
      },
      commits: { href: `${url}/commits` },
      statuses: { href: `https://api.github.com/repos/${repoName}/statuses/${pr.headSha}` },
    },
    author_association: "CONTRIBUTOR",
    auto_merge: null,
    draft: pr.draft ?? false,
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: "unknown",
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}
