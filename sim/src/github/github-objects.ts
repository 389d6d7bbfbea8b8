// The objects the double answers with, in the shape GitHub sends them: every field the OpenAPI
// description marks required is filled, so a client reading any of them reads a real value.
import type { DoubleCheckRun, DoubleComment } from "./types.js";

const API = "https://api.github.com";
const WEB = "https://github.com";
const DOCS = "https://docs.github.com/rest";
/** When the double's fixed objects (users, apps, repositories) were created. */
const CREATED = "2024-01-01T00:00:00Z";

/** A stable positive id for a name, so the same user or repository always has the same id. */
export function idOf(name: string): number {
  let h = 2166136261;
  for (const ch of name.toLowerCase()) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 90_000_000) + 1_000_000;
}

const nodeId = (kind: string, id: number): string =>
  Buffer.from(`0:${kind}${id}`).toString("base64").replace(/=+$/, "");

export function simpleUser(login: string, type: "User" | "Bot" | "Organization" = "User") {
  const id = idOf(login);
  const url = `${API}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId(type, id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url,
    html_url: `${WEB}/${encodeURIComponent(login)}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  };
}

export const BOT_LOGIN = "mlxbench[bot]";

/** The GitHub App (`integration`) that owns the double's check runs. */
export function appObject(appId: number) {
  return {
    id: appId,
    slug: "mlxbench",
    node_id: nodeId("Integration", appId),
    owner: simpleUser("mlxbench-org", "Organization"),
    name: "mlxbench",
    description: "Continuous benchmarking",
    external_url: "https://mlxbench.example.com",
    html_url: `${WEB}/apps/mlxbench`,
    created_at: CREATED,
    updated_at: CREATED,
    permissions: { checks: "write", contents: "read", issues: "write", pull_requests: "write" },
    events: ["check_run", "issue_comment", "pull_request", "push"],
  };
}

export function repositoryObject(fullName: string, fork = false) {
  const [owner = "", name = ""] = fullName.split("/");
  const id = idOf(fullName);
  const url = `${API}/repos/${fullName}`;
  return {
    id,
    node_id: nodeId("Repository", id),
    name,
    full_name: fullName,
    owner: simpleUser(owner),
    private: false,
    html_url: `${WEB}/${fullName}`,
    description: null,
    fork,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://github.com/${fullName}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@github.com:${fullName}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${WEB}/${fullName}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: `${WEB}/${fullName}`,
    homepage: null,
    language: "Python",
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: "main",
    open_issues_count: 0,
    open_issues: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: CREATED,
    created_at: CREATED,
    updated_at: CREATED,
  };
}

/** An installation of the app on `account` (apps/get-repo-installation). */
export function installationObject(installationId: number, appId: number, account: string) {
  return {
    id: installationId,
    app_id: appId,
    app_slug: "mlxbench",
    target_id: idOf(account),
    target_type: "Organization",
    account: simpleUser(account, "Organization"),
    single_file_name: null,
    repository_selection: "selected",
    access_tokens_url: `${API}/app/installations/${installationId}/access_tokens`,
    html_url: `${WEB}/organizations/${account}/settings/installations/${installationId}`,
    repositories_url: `${API}/installation/repositories`,
    events: appObject(appId).events,
    permissions: { checks: "write", contents: "read", issues: "write", pull_requests: "write" },
    created_at: CREATED,
    updated_at: CREATED,
    suspended_by: null,
    suspended_at: null,
  };
}

export function checkRunObject(run: DoubleCheckRun, appId: number) {
  const url = `${API}/repos/${run.repo}/check-runs/${run.id}`;
  const output = run.output ?? {};
  const text = (k: string): string | null => (typeof output[k] === "string" ? output[k] : null);
  const annotations = Array.isArray(output.annotations) ? output.annotations.length : 0;
  return {
    id: run.id,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.head_sha,
    name: run.name,
    url,
    html_url: `${WEB}/${run.repo}/runs/${run.id}`,
    details_url: run.details_url,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    external_id: run.external_id,
    check_suite: { id: idOf(`${run.repo}@${run.head_sha}`) },
    output: {
      title: text("title"),
      summary: text("summary"),
      text: text("text"),
      annotations_count: annotations,
      annotations_url: `${url}/annotations`,
    },
    app: appObject(appId),
    pull_requests: [],
  };
}

export function issueCommentObject(c: DoubleComment) {
  const url = `${API}/repos/${c.repo}/issues/comments/${c.id}`;
  return {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url,
    body: c.body,
    html_url: `${WEB}/${c.repo}/pull/${c.issue_number}#issuecomment-${c.id}`,
    issue_url: `${API}/repos/${c.repo}/issues/${c.issue_number}`,
    user: simpleUser(BOT_LOGIN, "Bot"),
    author_association: "NONE",
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

export function reactionObject(id: number, content: string, createdAt: string) {
  return {
    id,
    node_id: nodeId("Reaction", id),
    user: simpleUser(BOT_LOGIN, "Bot"),
    content,
    created_at: createdAt,
  };
}

/** A file of contents/{path}, base64 as GitHub sends it. */
export function contentFileObject(repoName: string, path: string, bytes: Buffer, sha: string) {
  const url = `${API}/repos/${repoName}/contents/${path}`;
  const html = `${WEB}/${repoName}/blob/main/${path}`;
  const git = `${API}/repos/${repoName}/git/blobs/${sha}`;
  return {
    type: "file",
    encoding: "base64",
    size: bytes.length,
    name: path.split("/").pop() ?? path,
    path,
    content: bytes.toString("base64"),
    sha,
    url,
    git_url: git,
    html_url: html,
    download_url: `https://raw.githubusercontent.com/${repoName}/main/${path}`,
    _links: { self: url, git, html },
  };
}

/** GitHub's error body (basic-error). */
export const basicError = (message: string, status: number) => ({
  message,
  documentation_url: DOCS,
  status: String(status),
});

/** GitHub's 422 body (validation-error): one entry per problem found. */
export const validationError = (problems: string[]) => ({
  message: "Validation Failed",
  errors: problems.map((message) => ({ code: "invalid", message })),
  documentation_url: DOCS,
});
