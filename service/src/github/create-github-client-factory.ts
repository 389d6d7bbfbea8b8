import { randomUUID } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { createAppAuth } from "@octokit/auth-app";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { Logger } from "pino";

const AppOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof AppOctokit>;

/** Gives the Octokit of one installation; the same instance (and its cached token) each time. */
export type GitHubClientFactory = (installationId: number) => GitHubClient;

export interface GitHubClientFactoryOptions {
  appId: number;
  privateKey: string;
  /** The GitHub double in tests; api.github.com when absent. */
  baseUrl?: string;
  log: Logger;
  retries?: number;
  /** Milliseconds per retry "unit" (plugin-retry waits unit × (n+1)²); tests make it small. */
  retryAfterBaseValue?: number;
  /** Installations kept with their token cache. */
  maxClients?: number;
}

export function createGitHubClientFactory(
  options: GitHubClientFactoryOptions,
): GitHubClientFactory {
  const { log, maxClients = 1000 } = options;
  // Throttling state is global to the plugin module: scope it to this factory.
  const scope = randomUUID().slice(0, 8);
  const clients = new Map<number, GitHubClient>();
  const octokitLog = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => log.warn({ github: true }, message),
    error: (message: string) => log.error({ github: true }, message),
  };
  return function getInstallationClient(installationId) {
    const existing = clients.get(installationId);
    if (existing) return existing;
    const client = new AppOctokit({
      authStrategy: createAppAuth,
      auth: { appId: options.appId, privateKey: options.privateKey, installationId },
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      userAgent: "mlxbench-service",
      log: octokitLog,
      retry: {
        retries: options.retries ?? 2,
        ...(options.retryAfterBaseValue === undefined
          ? {}
          : { retryAfterBaseValue: options.retryAfterBaseValue }),
      },
      throttle: {
        // Pace writes per installation (tokens are per installation), not across the whole app.
        id: `${scope}-installation-${installationId}`,
        // A webhook answers within GitHub's 10 s: retry a limit only when it is short.
        onRateLimit: (
          retryAfter: number,
          opts: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log.warn(
            { installationId, retryAfter, request: `${opts.method} ${opts.url}` },
            "GitHub rate limit hit",
          );
          return retryCount < 1 && retryAfter <= 5;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          opts: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log.warn(
            { installationId, retryAfter, request: `${opts.method} ${opts.url}` },
            "GitHub secondary rate limit hit",
          );
          return retryCount < 1 && retryAfter <= 5;
        },
      },
    });
    if (clients.size >= maxClients) {
      const oldest = clients.keys().next();
      if (!oldest.done) clients.delete(oldest.value);
    }
    clients.set(installationId, client);
    return client;
  };
}
