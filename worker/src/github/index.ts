export { LIMITS, oneLine, truncateText } from "./limits.js";
export {
  formatNumber,
  isShownFirst,
  renderMde,
  renderMetricRow,
  renderNoiseNote,
} from "./render-metric-table.js";
export {
  deriveReportLinks,
  fence,
  renderSummary,
  renderTierDetail,
  renderTiers,
  renderTitle,
  VISIBLE_ROWS,
  type CheckConclusion,
  type SummaryInput,
} from "./render-summary.js";
export {
  CHECK_ACTIONS,
  commentMarker,
  type CheckAnnotation,
  type CheckCompletion,
  type GateState,
  type Publisher,
} from "./publisher.js";
export {
  createGitHubPublisher,
  isPermanentGitHubError,
  type GitHubPublisherOptions,
} from "./github-publisher.js";
export { createDryRunPublisher, DRY_RUN_FILES } from "./dry-run-publisher.js";
export {
  createInstallationOctokit,
  type InstallationOctokitOptions,
} from "./create-installation-octokit.js";
