import { SecretLoadError } from "./errors.js";

/** `MLXBENCH_SECRET_ARN_<NAME>=arn` in the environment means: set `<NAME>` to that secret's value. */
export const SECRET_ARN_PREFIX = "MLXBENCH_SECRET_ARN_";

/** Reads one secret's string value by id (ARN or name). */
export type FetchSecret = (secretId: string) => Promise<string>;

export interface ExtensionOptions {
  /** The Parameters and Secrets Lambda Extension's port (its own default is 2773). */
  port?: number;
  /** The extension authenticates callers by the function's session token. */
  sessionToken: string;
  fetch?: typeof globalThis.fetch;
}

/**
 * A FetchSecret over the AWS Parameters and Secrets Lambda Extension's local HTTP API, so the
 * function needs no AWS SDK and the values never pass through the function's configuration.
 */
export function createExtensionSecretFetcher(opts: ExtensionOptions): FetchSecret {
  const port = opts.port ?? 2773;
  const doFetch = opts.fetch ?? globalThis.fetch;
  return async function fetchSecretFromExtension(secretId) {
    const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
    const res = await doFetch(url, {
      headers: { "X-Aws-Parameters-Secrets-Token": opts.sessionToken },
    });
    if (!res.ok) {
      const detail = (await res.text()).slice(0, 200);
      throw new SecretLoadError(`secret ${secretId}: extension answered ${res.status}: ${detail}`);
    }
    const body = (await res.json()) as { SecretString?: unknown };
    if (typeof body.SecretString !== "string") {
      throw new SecretLoadError(
        `secret ${secretId} has no SecretString (binary secrets are not supported)`,
      );
    }
    return body.SecretString;
  };
}

/**
 * Sets every `<NAME>` named by a `MLXBENCH_SECRET_ARN_<NAME>` variable to its secret's value;
 * returns the names set. A value already present wins, so a local run can pass it directly.
 */
export async function loadSecretsIntoEnv(
  env: Record<string, string | undefined>,
  fetchSecret: FetchSecret,
): Promise<string[]> {
  const wanted = Object.entries(env).flatMap(([key, arn]) =>
    key.startsWith(SECRET_ARN_PREFIX) && arn
      ? [{ name: key.slice(SECRET_ARN_PREFIX.length), arn }]
      : [],
  );
  const missing = wanted.filter(({ name }) => !env[name]);
  const values = await Promise.all(
    missing.map(async ({ name, arn }) => {
      try {
        return { name, value: await fetchSecret(arn) };
      } catch (err) {
        throw new SecretLoadError(`cannot read ${name} from ${arn}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }),
  );
  for (const { name, value } of values) {
    if (value.length === 0)
      throw new SecretLoadError(
        `${name} from ${wanted.find((w) => w.name === name)?.arn ?? "?"} is empty`,
      );
    env[name] = value;
  }
  return values.map((v) => v.name);
}
