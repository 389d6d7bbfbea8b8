/** Configuration that cannot work; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** Redis or the queue did not store what we asked: the delivery must not be acknowledged. */
export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** GitHub did not answer something the decision depends on (a permission, a pull request). */
export class GitHubUnavailableError extends Error {
  override name = "GitHubUnavailableError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The app is no longer installed where the event came from: nothing may run. */
export class InstallationNotFoundError extends Error {
  override name = "InstallationNotFoundError";
  constructor(
    readonly installationId: number,
    options?: ErrorOptions,
  ) {
    super(`installation ${installationId} not found (app uninstalled?)`, options);
  }
}

/** A write to GitHub was not sent: this installation used its share of GitHub's content-creation limit. */
export class GitHubQuotaExceededError extends Error {
  override name = "GitHubQuotaExceededError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** GitHub answered with a rate limit; requests of this installation are held back until `until`. */
export class GitHubRateLimitedError extends Error {
  override name = "GitHubRateLimitedError";
  constructor(
    readonly until: Date,
    options?: ErrorOptions,
  ) {
    super(`GitHub rate limit: requests held back until ${until.toISOString()}`, options);
  }
}
