export { createGitHubClientFactory } from "./create-github-client-factory.js";
export type {
  GitHubClient,
  GitHubClientFactory,
  GitHubClientFactoryOptions,
} from "./create-github-client-factory.js";
export { isInstallationGone } from "./is-installation-gone.js";
export { hasWritePermission } from "./has-write-permission.js";
