import { z } from "zod";

// Only the fields the service reads; everything else in GitHub's payloads is ignored.

const Sha = z.string().regex(/^[0-9a-f]{40}$/);

export const Repository = z.object({
  full_name: z.string(),
  name: z.string(),
  owner: z.object({ login: z.string() }),
  clone_url: z.string(),
  default_branch: z.string(),
  private: z.boolean(),
});
export type Repository = z.infer<typeof Repository>;

const Sender = z.object({ login: z.string(), type: z.string().optional() });
const Installation = z.object({ id: z.number().int().positive() }).optional();

const base = { repository: Repository, sender: Sender, installation: Installation };

export const PullRequestEvent = z.object({
  ...base,
  action: z.string(),
  number: z.number().int().positive(),
  pull_request: z.object({
    number: z.number().int().positive(),
    draft: z.boolean().optional(),
    updated_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be a date-time"),
    html_url: z.string(),
    head: z.object({
      sha: Sha,
      ref: z.string(),
      repo: z.object({ full_name: z.string() }).nullable(),
    }),
    base: z.object({ sha: Sha, ref: z.string(), repo: z.object({ full_name: z.string() }) }),
  }),
});
export type PullRequestEvent = z.infer<typeof PullRequestEvent>;

export const IssueCommentEvent = z.object({
  ...base,
  action: z.string(),
  issue: z.object({
    number: z.number().int().positive(),
    pull_request: z.object({ url: z.string() }).optional(),
  }),
  comment: z.object({
    id: z.number().int().positive(),
    body: z.string(),
    author_association: z.string(),
    created_at: z.string(),
  }),
});
export type IssueCommentEvent = z.infer<typeof IssueCommentEvent>;

export const CheckRunEvent = z.object({
  ...base,
  action: z.string(),
  check_run: z.object({
    id: z.number().int(),
    head_sha: Sha,
    external_id: z.string().nullable().optional(),
    app: z.object({ id: z.number().int() }).nullable().optional(),
    pull_requests: z.array(
      z.object({
        number: z.number().int().positive(),
        base: z.object({ sha: Sha, ref: z.string() }),
        head: z.object({ sha: Sha, ref: z.string() }),
      }),
    ),
  }),
  requested_action: z.object({ identifier: z.string() }).nullable().optional(),
});
export type CheckRunEvent = z.infer<typeof CheckRunEvent>;

export const PushEvent = z.object({
  ...base,
  ref: z.string(),
  after: Sha,
  deleted: z.boolean(),
});
export type PushEvent = z.infer<typeof PushEvent>;

export const DeploymentProtectionRuleEvent = z.object({
  ...base,
  action: z.string(),
  environment: z.string().min(1),
  deployment_callback_url: z.url(),
  sha: Sha.optional(),
  ref: z.string().optional(),
  deployment: z.object({ sha: Sha, ref: z.string() }).nullable().optional(),
});
export type DeploymentProtectionRuleEvent = z.infer<typeof DeploymentProtectionRuleEvent>;
