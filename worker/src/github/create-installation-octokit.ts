import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import type { Logger } from "pino";

const AppOctokit = Octokit.plugin(retry, throttling);

export interface InstallationOctokitOptions {
  appId: number;
  privateKey: string;
  installationId: number;
  baseUrl?: string;
  logger: Logger;
  /** Retries of a failed request (5xx, network). */
  retries?: number;
  /** Base of plugin-retry's quadratic backoff, in seconds (tests pass a small value). */
  retryAfterBaseValue?: number;
}

/** An Octokit acting as the App's installation, with retries and rate-limit handling. */
export function createInstallationOctokit(opts: InstallationOctokitOptions): Octokit {
  const log = opts.logger;
  return new AppOctokit({
    authStrategy: createAppAuth,
    auth: { appId: opts.appId, privateKey: opts.privateKey, installationId: opts.installationId },
    ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => log.warn(m),
      error: (m: string) => log.error(m),
    },
    retry: {
      retries: opts.retries ?? 3,
      ...(opts.retryAfterBaseValue !== undefined
        ? { retryAfterBaseValue: opts.retryAfterBaseValue }
        : {}),
    },
    throttle: {
      onRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _o: unknown,
        retryCount: number,
      ) => {
        log.warn({ retryAfter, url: options.url }, "GitHub rate limit hit");
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }) => {
        log.warn({ retryAfter, url: options.url }, "GitHub secondary rate limit hit");
        return true;
      },
    },
  });
}
