/** Another live runner already drives the cluster with this hardware fingerprint. */
export class ClusterClaimedError extends Error {
  override readonly name = "ClusterClaimedError";
  constructor(
    readonly fingerprint: string,
    readonly holder: string,
    options?: ErrorOptions,
  ) {
    super(
      `cluster ${fingerprint} is already driven by runner "${holder}"; ` +
        `stop that runner or give this one its own cluster (RUNNER_FINGERPRINT)`,
      options,
    );
  }
}
