import { Octokit } from "@octokit/rest";
import { createAppAuth } from "@octokit/auth-app";
import type { Logger } from "pino";
import { createRequestGuard } from "./guard-requests.js";

export type GitHubClient = Octokit;

/** Gives the Octokit of one installation; the same instance (and its cached token) each time. */
export type GitHubClientFactory = (installationId: number) => GitHubClient;

export interface GitHubClientFactoryOptions {
  appId: number;
  privateKey: string;
  /** The GitHub double in tests; api.github.com when absent. */
  baseUrl?: string;
  log: Logger;
  /** Retries of a 5xx or unanswered request. */
  retries?: number;
  /** Milliseconds before retry n: retryAfterBaseValue × n²; tests make it small. */
  retryAfterBaseValue?: number;
  /** Installations kept with their token cache, least recently used dropped first. */
  maxClients?: number;
  /** Content-creating requests in flight per installation. */
  writeConcurrency?: number;
  /** GitHub's secondary limit on content-creating requests, per installation. */
  writesPerMinute?: number;
  writesPerHour?: number;
  /** The fetch Octokit sends with (globalThis.fetch when absent). */
  fetch?: typeof globalThis.fetch;
}

/**
 * One Octokit per installation, kept and reused: auth-app caches its installation token (an hour),
 * and the request guard (retries, write quota, rate-limit holds) is set up once, not per request.
 */
export function createGitHubClientFactory(
  options: GitHubClientFactoryOptions,
): GitHubClientFactory {
  const { log, maxClients = 1000 } = options;
  const clients = new Map<number, GitHubClient>();
  const octokitLog = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string) => log.warn({ github: true }, message),
    error: (message: string) => log.error({ github: true }, message),
  };
  return function getInstallationClient(installationId) {
    const existing = clients.get(installationId);
    if (existing) {
      // Map order is the LRU order: a hit moves the client to the back.
      clients.delete(installationId);
      clients.set(installationId, existing);
      return existing;
    }
    const client = new Octokit({
      authStrategy: createAppAuth,
      auth: { appId: options.appId, privateKey: options.privateKey, installationId },
      ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
      userAgent: "mlxbench-service",
      log: octokitLog,
      ...(options.fetch === undefined ? {} : { request: { fetch: options.fetch } }),
    });
    const guard = createRequestGuard({
      retries: options.retries ?? 2,
      retryBaseMs: options.retryAfterBaseValue ?? 1000,
      // 4 in flight: a burst of check runs on one installation is created within the webhook's
      // budget instead of one a second, while staying far below GitHub's 100 concurrent requests.
      writeConcurrency: options.writeConcurrency ?? 4,
      writesPerMinute: options.writesPerMinute ?? 80,
      writesPerHour: options.writesPerHour ?? 500,
      onLimit: (event) =>
        log.warn({ installationId, ...event }, "GitHub request held back by a rate limit"),
    });
    client.hook.wrap("request", (request, endpoint) => guard(request, endpoint));
    if (clients.size >= maxClients) {
      const oldest = clients.keys().next();
      if (!oldest.done) clients.delete(oldest.value);
    }
    clients.set(installationId, client);
    return client;
  };
}
