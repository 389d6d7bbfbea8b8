export {
  createClusterManager,
  ClusterStartError,
  type ClusterManager,
  type ClusterManagerOptions,
} from "./cluster-manager.js";
export {
  createGroupRegistry,
  isGroupAlive,
  killLeftoverGroups,
  terminateGroup,
  type ClockLike,
  type GroupRegistry,
  type LeftoverStop,
  type RecordedGroup,
  type RecordedStop,
} from "./process-groups.js";
export { waitForHealth, type HealthWait } from "./wait-for-health.js";
