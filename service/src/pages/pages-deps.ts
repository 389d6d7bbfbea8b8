import { pino, type Logger } from "pino";
import type { ArchiveStore } from "@mlxbench/archive";
import { createCache, type Cache } from "./create-cache.js";
import type { Trends } from "./load-trends.js";
import type { OAuthOptions } from "./pages-config.js";

export interface PagesDeps {
  store: ArchiveStore;
  /** Signs links and cookies; without it private reports are never shown. */
  secret?: string;
  oauth?: OAuthOptions;
  /** A QuickChart server for hosted chart URLs (off when unset). */
  quickChartUrl?: string;
  sessionTtlMs?: number;
  /** Where the service is reached (the OAuth redirect); default the request's own origin. */
  publicUrl?: string;
  fetch?: typeof fetch;
  clock?: () => Date;
  log?: Logger;
}

/** PagesDeps with their defaults filled in, and the caches the routes share. */
export interface PagesRuntime {
  store: ArchiveStore;
  secret: string | undefined;
  oauth: OAuthOptions | undefined;
  quickChartUrl: string | undefined;
  sessionTtlMs: number;
  publicUrl: string | undefined;
  fetch: typeof fetch;
  clock: () => Date;
  log: Logger;
  trendsCache: Cache<Promise<Trends>>;
  pngCache: Cache<Promise<Buffer>>;
}

const CACHE_ENTRIES = 32;

export function resolvePagesDeps(deps: PagesDeps): PagesRuntime {
  return {
    store: deps.store,
    secret: deps.secret,
    oauth: deps.oauth,
    quickChartUrl: deps.quickChartUrl,
    sessionTtlMs: deps.sessionTtlMs ?? 8 * 3600 * 1000,
    publicUrl: deps.publicUrl,
    fetch: deps.fetch ?? fetch,
    clock: deps.clock ?? (() => new Date()),
    log: deps.log ?? pino({ level: "silent" }),
    trendsCache: createCache(CACHE_ENTRIES),
    pngCache: createCache(CACHE_ENTRIES * 4),
  };
}
