import type { ClusterMode } from "@mlxbench/proto";
import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import { NO_BASELINE, type CompareResult, type ModeMeasurement } from "../results/index.js";
import type { Target } from "../suite-options.js";
import { waitForReady } from "../wait-for-ready.js";
import { compareMetrics } from "./compare-metrics.js";
import { compareModes } from "./compare-modes.js";
import type { CompareOptions } from "./compare-options.js";
import { compareWithPreviousRun } from "./compare-with-previous-run.js";
import { measureMode } from "./measure-mode.js";

/**
 * Single device vs distributed, both measured with the same load on their own targets (or one
 * target restarted in each mode by the config's commands). Nothing is simulated: without a
 * single-device target, the result says that no baseline was measured.
 */
export async function runCompare(opts: CompareOptions, deps: SuiteDeps): Promise<CompareResult> {
  const { clock, progress } = deps;
  const startedAt = clock.now().toISOString();
  const warnings: string[] = [];
  const errors: string[] = [];
  const lifecycle = opts.lifecycle;
  const haveSingle = opts.singleDevice !== undefined || lifecycle?.has("single-device") === true;

  const measureIn = async (
    mode: ClusterMode,
    target: Target,
    running: boolean,
  ): Promise<ModeMeasurement | null> => {
    const managed = !running && lifecycle?.has(mode) === true;
    // One step per repetition; a mode that fails part-way is counted to its end, so the totals add up.
    let done = 0;
    const counted: SuiteDeps = {
      ...deps,
      progress: {
        phase: (label, total) => progress.phase(label, total),
        advance: (steps = 1, detail) => {
          done += steps;
          progress.advance(steps, detail);
        },
        note: (message) => progress.note(message),
        finish: () => progress.finish(),
      },
    };
    try {
      if (managed) {
        await lifecycle?.start(mode);
        const ready = await waitForReady(target.apiUrl, {
          timeoutMs: opts.readinessTimeoutMs,
          clock,
        });
        if (!ready.ready)
          throw new Error(`${mode} cluster at ${target.apiUrl} not ready: ${ready.lastStatus}`);
      }
      return await measureMode(mode, target, opts, counted);
    } catch (err) {
      errors.push(`${mode}: ${describeError(err)}`);
      if (done < opts.performanceIterations)
        progress.advance(opts.performanceIterations - done, `${mode} failed`);
      return null;
    } finally {
      if (
        managed ||
        (running && mode === "distributed" && haveSingle && lifecycle?.has("distributed"))
      ) {
        // Both modes share the hardware: the distributed cluster must be down before the single device starts.
        try {
          await lifecycle?.stop(mode);
        } catch (err) {
          errors.push(`${mode}: ${describeError(err)}`);
        }
      }
    }
  };

  progress.phase("single device vs distributed", (haveSingle ? 2 : 1) * opts.performanceIterations);
  const distributed = await measureIn(
    "distributed",
    opts.distributed,
    opts.distributedRunning ?? true,
  );
  let singleDevice: ModeMeasurement | null = null;
  let baselineNote: string | null = null;
  if (haveSingle) {
    const target = opts.singleDevice ?? opts.distributed;
    singleDevice = await measureIn("single-device", target, false);
    if (!singleDevice)
      baselineNote = "no baseline measured: the single-device measurement failed (see errors)";
  } else {
    baselineNote = NO_BASELINE;
  }

  const figures = compareModes(distributed, singleDevice);
  const metrics = compareMetrics(distributed, singleDevice, figures);

  let previousRun: CompareResult["previousRun"] = null;
  if (opts.baselineDir) {
    try {
      previousRun = await compareWithPreviousRun(opts.baselineDir, opts, metrics);
      if (!previousRun.comparable) warnings.push(previousRun.note);
    } catch (err) {
      errors.push(`--baseline: ${describeError(err)}`);
    }
  }

  for (const m of [distributed, singleDevice]) if (m) warnings.push(...m.warnings);
  return {
    component: "performance",
    startedAt,
    finishedAt: clock.now().toISOString(),
    distributed,
    singleDevice,
    baselineNote,
    figures,
    previousRun,
    metrics,
    warnings: [...new Set(warnings)],
    errors,
    currency: opts.costs.currency,
  };
}
