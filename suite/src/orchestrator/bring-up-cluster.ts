import type { SuiteTarget } from "@mlxbench/proto";
import type { ClusterLifecycle } from "../cluster-lifecycle.js";
import type { SuiteDeps } from "../deps.js";
import { describeError } from "../errors.js";
import type { SuiteOptions } from "../suite-options.js";
import { waitForReady, type ReadinessWait } from "../wait-for-ready.js";
import { detectTarget } from "./detect-target.js";

export interface ClusterState {
  /** Why the cluster cannot be measured; null when it can. */
  unreachable: string | null;
  ready: ReadinessWait | null;
  /** We started the distributed cluster, so we stop it at the end. */
  distributedStarted: boolean;
  /** The configured target, else the detected one (mlx-cluster when nothing answered). */
  target: SuiteTarget;
}

/** Starts the cluster when the config says how, and waits until it is ready. */
export async function bringUpCluster(
  o: Pick<SuiteOptions, "distributed" | "readinessTimeoutMs" | "target">,
  lifecycle: ClusterLifecycle | undefined,
  deps: SuiteDeps,
): Promise<ClusterState> {
  const { clock, logger, progress } = deps;
  let unreachable: string | null = null;
  let ready: ReadinessWait | null = null;
  let distributedStarted = false;
  let target: SuiteTarget = o.target ?? "mlx-cluster";
  progress.phase("waiting for the cluster", 0);
  try {
    if (lifecycle?.has("distributed")) {
      await lifecycle.start("distributed");
      distributedStarted = true;
    }
    ready = await waitForReady(o.distributed.apiUrl, {
      timeoutMs: o.readinessTimeoutMs,
      clock,
      // Nobody is starting a cluster for us: a refused connection will not change in two minutes.
      ...(distributedStarted ? {} : { unreachableAfterMs: 3000 }),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    if (ready.unreachable)
      unreachable = `cluster unreachable at ${o.distributed.apiUrl}: ${ready.lastStatus}`;
    else if (ready.failed)
      unreachable = `server at ${o.distributed.apiUrl} answered that it is not usable: ${ready.lastStatus}`;
    else if (!ready.ready)
      progress.note(
        `cluster at ${o.distributed.apiUrl} not ready: ${ready.lastStatus}; validating anyway`,
      );
    if (!unreachable && o.target === undefined) {
      const detected = await detectTarget(o.distributed.apiUrl, {
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      target = detected.target;
      progress.note(detected.note);
      logger.info({ target }, detected.note);
    }
  } catch (err) {
    unreachable = `cluster could not be started: ${describeError(err)}`;
  }
  if (unreachable) {
    logger.error(unreachable);
    progress.note(unreachable);
  }
  return { unreachable, ready, distributedStarted, target };
}
