/** The seed README's thresholds, and the lines readiness judges a loopback link by. */
export const THRESHOLDS = {
  throughputImprovement: 1.5,
  scalingEfficiencyPct: 70,
  successRate: 0.95,
  grpcOverheadPct: 25,
  /** Below this raw TCP round trip (ms) the link is loopback-fast: a percentage of it says little. */
  fastLinkRawRttMs: 0.2,
  /**
   * On such a link without a reference measured, gRPC is judged by the time it adds to a call
   * (ms), not by a percentage. An uncalibrated bound: the reference below replaces it.
   */
  grpcAddedMsPerCall: 1,
  /**
   * On loopback, the time the cluster's gRPC adds to a call may be at most this many times what a
   * bare grpc-js server with a no-op handler adds in the same run (docs/suite.md, "gRPC overhead").
   */
  grpcAddedVsReference: 1.5,
} as const;
