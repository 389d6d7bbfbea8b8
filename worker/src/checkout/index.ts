export { runGit, GitError, type GitOptions } from "./run-git.js";
export {
  fetchCommit,
  CheckoutInputError,
  type Checkout,
  type FetchCommitOptions,
} from "./fetch-commit.js";
export {
  readRepoConfig,
  describeConfigProblems,
  CONFIG_FILE,
  type ConfigProblemView,
  type RepoConfig,
} from "./read-repo-config.js";
export { resolveRef, RefNotFoundError, type ResolveRefOptions } from "./resolve-ref.js";
