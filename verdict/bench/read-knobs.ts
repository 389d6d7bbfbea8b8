// The bench's environment knobs, parsed once with the variable's name in every error.

/** A number ≥ 0 from `env[name]`, or `fallback` when unset. */
export function readNumberKnob(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number ≥ 0, got ${raw}`);
  return n;
}

/** A whole number ≥ `min` from `env[name]`, or `fallback` when unset (metrics, pairs). */
export function readCountKnob(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
): number {
  const raw = env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, got ${raw}`);
  return n;
}

/** A switch: unset, "" or "0" is off, "1" is on; anything else is an error naming it. */
export function readFlagKnob(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw new Error(`${name} must be 1 or 0, got ${raw}`);
}

/**
 * CONFIG: a JSON object of verdict config fields laid over the defaults of every table (the
 * fields themselves are checked by parseVerdictConfig, which names a bad one).
 */
export function readConfigKnob(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const raw = env["CONFIG"];
  if (raw === undefined || raw.trim() === "") return {};
  const bad = `CONFIG must be a JSON object of verdict config fields, got ${raw}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(bad, { cause: err });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(bad);
  return parsed as Record<string, unknown>;
}

/** Which tables run: REAL_ONLY=1 the real corpus alone, PAIRED_ONLY=1 the paired mode alone. */
export function readOnlyKnobs(env: NodeJS.ProcessEnv): { realOnly: boolean; pairedOnly: boolean } {
  const realOnly = readFlagKnob(env, "REAL_ONLY");
  const pairedOnly = readFlagKnob(env, "PAIRED_ONLY");
  if (realOnly && pairedOnly) throw new Error("REAL_ONLY and PAIRED_ONLY exclude each other");
  return { realOnly, pairedOnly };
}

/**
 * REAL_HALF: which half of the real corpus to replay, by series index: "even", "odd", or unset
 * (all). A parameter is chosen on one half and reported on the other.
 */
export function readHalfKnob(env: NodeJS.ProcessEnv): "even" | "odd" | "all" {
  const raw = env["REAL_HALF"];
  if (raw === undefined || raw === "") return "all";
  if (raw === "even" || raw === "odd") return raw;
  throw new Error(`REAL_HALF must be even or odd, got ${raw}`);
}
