export interface RetryOptions {
  attempts: number;
  /** Delay before the second attempt; doubles each time. */
  baseDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each wait, e.g. to log. */
  onRetry?: (err: unknown, attempt: number) => void;
  /** Whether an error is worth another attempt (default: every error). */
  retryIf?: (err: unknown) => boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` up to `attempts` times with exponential backoff; the last error is rethrown. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
      if (attempt === options.attempts || (options.retryIf && !options.retryIf(err))) break;
      options.onRetry?.(err, attempt);
      await sleep(options.baseDelayMs * 2 ** (attempt - 1));
    }
  }
  throw lastError;
}
