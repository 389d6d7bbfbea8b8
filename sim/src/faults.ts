import { z } from "zod";

/** How a malformed response is broken: a proxy's HTML page, JSON that does not parse, or a body cut off midway. */
export const MalformedMode = z.enum(["html", "broken-json", "truncated"]);
export type MalformedMode = z.infer<typeof MalformedMode>;

/** Everything that can be broken at run time. Every field applies from the next request on. */
export const Faults = z.strictObject({
  /** Multiplies every modelled delay (1 = none). */
  slowdown: z.number().finite().min(0.01).max(1000),
  /** Fraction of chat completions answered 500 with a detail. */
  errorRate: z.number().min(0).max(1),
  /** Rank of a device that is down: its health, status and gRPC servers say so; inference fails. */
  deviceDown: z.number().int().min(0).nullable(),
  /** false: `stream: true` is answered 501, as the original cluster does. */
  streaming: z.boolean(),
  /** > 0: every stream stops writing for this many ms after `stallAfterTokens` tokens. */
  stallMs: z.number().min(0).max(600_000),
  /** Tokens written before the stall; null = half of the completion. */
  stallAfterTokens: z.number().int().min(0).nullable(),
  /** Chat completions (and, for "html", every contract endpoint) come back broken. */
  malformed: MalformedMode.nullable(),
  /** true: the model is not loaded (health model_loaded false, status "initializing", chat 503). */
  initializing: z.boolean(),
  /**
   * > 0: every unary gRPC call waits this many ms before its handler answers (a slow gRPC stack or
   * interceptor: real extra time per call that no timing model scales).
   */
  grpcDelayMs: z.number().min(0).max(600_000),
});
export type Faults = z.infer<typeof Faults>;

export const NO_FAULTS: Faults = {
  slowdown: 1,
  errorRate: 0,
  deviceDown: null,
  streaming: true,
  stallMs: 0,
  stallAfterTokens: null,
  malformed: null,
  initializing: false,
  grpcDelayMs: 0,
};

export class FaultValueError extends Error {
  override name = "FaultValueError";
}

/** The faults in force, read by every handler per request; settable in-process and over /_sim/faults. */
export interface FaultControl extends Faults {
  get(): Faults;
  /** Validates and applies a partial change; throws FaultValueError naming the bad field. */
  set(patch: Partial<Faults>): Faults;
  /** Back to the faults the cluster was started with. */
  reset(): Faults;
}

export function createFaultControl(initial: Faults, worldSize: number): FaultControl {
  const start = checkFaults(initial, worldSize);
  let current: Faults = { ...start };
  const control = {
    get: () => ({ ...current }),
    set(patch: Partial<Faults>) {
      current = checkFaults({ ...current, ...patch }, worldSize);
      return { ...current };
    },
    reset() {
      current = { ...start };
      return { ...current };
    },
  } as FaultControl;
  for (const key of Object.keys(NO_FAULTS) as (keyof Faults)[]) {
    Object.defineProperty(control, key, {
      enumerable: true,
      get: () => current[key],
      set: (value: unknown) => control.set({ [key]: value }),
    });
  }
  return control;
}

/** Parses an untrusted fault patch (the control endpoint's body). */
export function parseFaultPatch(body: unknown): Partial<Faults> {
  const result = Faults.partial().safeParse(body);
  if (!result.success) throw new FaultValueError(describeIssues(result.error));
  return result.data as Partial<Faults>;
}

function checkFaults(faults: Faults, worldSize: number): Faults {
  const result = Faults.safeParse(faults);
  if (!result.success) throw new FaultValueError(describeIssues(result.error));
  if (result.data.deviceDown !== null && result.data.deviceDown >= worldSize) {
    throw new FaultValueError(
      `deviceDown: rank ${result.data.deviceDown} does not exist (ranks are 0…${worldSize - 1})`,
    );
  }
  return result.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
}
