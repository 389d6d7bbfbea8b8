import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import type { ValidationCheck } from "../results/index.js";

/** What a check decides; its name and duration are added by the recorder. */
export type CheckOutcome = Omit<ValidationCheck, "name" | "durationMs">;

export type RecordCheck = (
  name: string,
  fn: () => CheckOutcome | Promise<CheckOutcome>,
) => Promise<ValidationCheck>;

/**
 * Runs each check timed, turns a throw into a FAIL with the error's text, and appends it to
 * `checks`, logging and reporting progress as it goes.
 */
export function createCheckRecorder(checks: ValidationCheck[], deps: SuiteDeps): RecordCheck {
  const { clock, logger, progress } = deps;
  return async function recordCheck(name, fn) {
    const t0 = clock.monotonicMs();
    let check: ValidationCheck;
    try {
      check = { name, ...(await fn()), durationMs: clock.monotonicMs() - t0 };
    } catch (err) {
      check = {
        name,
        status: "FAIL",
        message: describeError(err),
        durationMs: clock.monotonicMs() - t0,
      };
    }
    checks.push(check);
    logger.info({ check: name, status: check.status }, check.message);
    progress.advance(1, `${name}: ${check.status}`);
    return check;
  };
}
