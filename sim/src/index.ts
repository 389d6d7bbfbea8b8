// The reference cluster: the real cluster's HTTP and gRPC contract over real sockets, with a
// pipeline-parallel timing model, faults on demand and ground-truth token timestamps.
//
// Besides the contract's endpoints, the HTTP API serves the sim's own controls:
//   GET  /_sim/faults              the faults in force (see Faults in faults.ts)
//   POST /_sim/faults              a partial JSON patch of them; 400 naming a bad field
//   POST /_sim/faults/reset        back to the faults the cluster started with
//   GET  /_sim/ground-truth/:id    TokenTiming of a completion (times: epoch ms, performance.timeOrigin + performance.now())
//   GET  /_sim/info                seed, timing model, engine counters, devices and their gRPC addresses
export {
  startReferenceCluster,
  ReferenceClusterOptionsError,
  type ReferenceCluster,
  type ReferenceClusterOptions,
  type ClusterDevice,
} from "./start-reference-cluster.js";
export {
  createFaultControl,
  parseFaultPatch,
  FaultValueError,
  Faults,
  MalformedMode,
  NO_FAULTS,
  type FaultControl,
} from "./faults.js";
export type { TokenTiming, TokenWrite } from "./ground-truth.js";
export { nameDevice, DEFAULT_MODEL, MAC_MINI_M4_PRO, type DeviceHardware } from "./devices.js";
export * from "./engine/index.js";
export { parseCliArgs, CliUsageError, CLI_USAGE } from "./parse-cli-args.js";
