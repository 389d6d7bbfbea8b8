/**
 * Runs `task` with an abort signal and gives up after `ms`. The signal also cancels any retry
 * that fires later, so a request abandoned here is not sent behind our back.
 */
export async function withBudget<T>(
  ms: number,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      task(controller.signal),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new BudgetExceededError(ms));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  constructor(readonly ms: number) {
    super(`gave up after ${ms} ms`);
  }
}
