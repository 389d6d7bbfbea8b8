import type { ComponentOutcome } from "@mlxbench/proto";
import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import type { ReportWriter } from "../report/index.js";
import type { ComponentName } from "../results/index.js";

export type RunComponent = <T>(
  name: ComponentName,
  run: () => Promise<T>,
  save: (result: T) => Promise<string[]>,
  failPath: string,
) => Promise<T | null>;

export interface ComponentRunnerOptions {
  selected: ReadonlySet<ComponentName>;
  /** The components the caller asked for; undefined: all. */
  requested: readonly ComponentName[] | undefined;
  /** Why the cluster cannot be measured: every component but communication is not available. */
  unreachable: string | null;
  /** Components the target has nothing for, and why (communication on an OpenAI-compatible server). */
  notApplicable?: Partial<Record<ComponentName, string>>;
  /** Each component's outcome is appended here. */
  outcomes: ComponentOutcome[];
  out: ReportWriter;
}

/**
 * Runs one component and saves its result, recording its outcome: skipped, not available, ok
 * or failed. A failure is kept on disk at `failPath` and the other components still run.
 */
export function createComponentRunner(o: ComponentRunnerOptions, deps: SuiteDeps): RunComponent {
  const { clock, logger, progress } = deps;
  const { outcomes } = o;
  return async function runComponent(name, run, save, failPath) {
    if (!o.selected.has(name)) {
      const skipped = o.requested === undefined || o.requested.includes(name);
      if (skipped)
        outcomes.push({
          name,
          status: "skipped",
          message: `--skip-${name}`,
          durationMs: 0,
          files: [],
        });
      return null;
    }
    const why = o.notApplicable?.[name];
    if (why !== undefined) {
      outcomes.push({ name, status: "not_applicable", message: why, durationMs: 0, files: [] });
      progress.note(`${name} not applicable: ${why}`);
      return null;
    }
    if (o.unreachable && name !== "communication") {
      outcomes.push({
        name,
        status: "not_available",
        message: o.unreachable,
        durationMs: 0,
        files: [],
      });
      return null;
    }
    const t0 = clock.monotonicMs();
    try {
      const result = await run();
      const written = await save(result);
      outcomes.push({ name, status: "ok", durationMs: clock.monotonicMs() - t0, files: written });
      progress.note(`${name} done in ${((clock.monotonicMs() - t0) / 1000).toFixed(1)} s`);
      return result;
    } catch (err) {
      const message = describeError(err);
      logger.error({ component: name, err: message }, "component failed");
      progress.note(`${name} failed: ${message}`);
      // Keep a record on disk of what failed, so the output tree says so.
      const written = await o.out.writeJson(failPath, {
        component: name,
        status: "failed",
        error: message,
        at: clock.now().toISOString(),
      });
      outcomes.push({
        name,
        status: "failed",
        message,
        durationMs: clock.monotonicMs() - t0,
        files: [written],
      });
      return null;
    }
  };
}
