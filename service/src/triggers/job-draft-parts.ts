import type { SuiteOptions } from "@mlxbench/proto";
import type { Repository } from "./payloads.js";
import type { JobDraft } from "./start-run.js";

/** The job's copy of the webhook's repository: every trigger benchmarks the repository it came from. */
export function toJobRepository(repository: Repository): JobDraft["repository"] {
  return {
    fullName: repository.full_name,
    cloneUrl: repository.clone_url,
    defaultBranch: repository.default_branch,
    private: repository.private,
  };
}

/**
 * The suite of a run its trigger sets no options for: every component, and quick mode unless
 * the repository's `.mlxbench.yml` profile for the trigger says otherwise (quickExplicit false).
 * A new object each call.
 */
export function defaultSuite(): SuiteOptions {
  return { quick: true, quickExplicit: false, skipValidation: false, skipCommunication: false };
}
