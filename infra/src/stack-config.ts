import { RetentionDays } from "aws-cdk-lib/aws-logs";

/** What a deployment can be told by CDK context (`-c key=value` or cdk.json); all have defaults but the App id. */
export interface StackConfig {
  /** The GitHub App's id; without it the stack asks for the `GitHubAppId` parameter at deploy. */
  githubAppId: number | undefined;
  /** Days after which objects of pull-request runs (tagged `mlxbench-run=pr`) expire. */
  prRunExpirationDays: number;
  /** Days after which incomplete multipart uploads are aborted. */
  abortIncompleteUploadDays: number;
  /** The App's OAuth client id (not secret); enables sign-in to private reports with the client secret. */
  githubOAuthClientId: string | undefined;
  /** Where the archive pages are served; default: the Function URL, learnt from the first request. */
  publicUrl: string | undefined;
  queueName: string;
  /** Runner pool labels (runs-on) the fleet serves; each is the queue `<queueName>.<label>`. */
  runnerPools: string[];
  lambdaMemoryMb: number;
  lambdaTimeoutSeconds: number;
  logRetentionDays: number;
  /** Errors per 5 minutes that raise the errors alarm. */
  errorAlarmThreshold: number;
  /** Address the alarms mail to (an SNS subscription to confirm); none: alarms only. */
  alarmEmail: string | undefined;
  logLevel: string;
  /** Lambda runtime: a Node that AWS still supports (nodejs20.x was deprecated on 2026-04-30). */
  lambdaRuntime: LambdaRuntimeName;
}

export const LAMBDA_RUNTIMES = ["nodejs22.x", "nodejs24.x"] as const;
/** Runtimes AWS has deprecated: refused with the reason, not only "must be one of". */
const DEPRECATED_RUNTIMES: Record<string, string> = {
  "nodejs18.x": "AWS deprecated it on 2025-09-01",
  "nodejs20.x": "AWS deprecated it on 2026-04-30",
};
export type LambdaRuntimeName = (typeof LAMBDA_RUNTIMES)[number];

export const DEFAULT_STACK_CONFIG: StackConfig = {
  githubAppId: undefined,
  prRunExpirationDays: 90,
  abortIncompleteUploadDays: 3,
  publicUrl: undefined,
  githubOAuthClientId: undefined,
  queueName: "mlxbench-default",
  runnerPools: [],
  lambdaMemoryMb: 1024,
  lambdaTimeoutSeconds: 15,
  logRetentionDays: 30,
  errorAlarmThreshold: 1,
  alarmEmail: undefined,
  logLevel: "info",
  lambdaRuntime: "nodejs22.x",
};

/** A context value that is not what its key allows; the message names the key. */
export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function readLambdaRuntime(raw: unknown): LambdaRuntimeName {
  const why = typeof raw === "string" ? DEPRECATED_RUNTIMES[raw] : undefined;
  if (why !== undefined)
    throw new StackConfigError(
      `context "lambdaRuntime" ${JSON.stringify(raw)} is refused: ${why}; use one of ${LAMBDA_RUNTIMES.join(", ")}`,
    );
  return readString(
    "lambdaRuntime",
    raw,
    (s) => (LAMBDA_RUNTIMES as readonly string[]).includes(s),
    `one of ${LAMBDA_RUNTIMES.join(", ")}`,
  ) as LambdaRuntimeName;
}

/** CloudWatch Logs accepts only these retention periods. */
const RETENTION_DAYS = (Object.values(RetentionDays) as unknown[]).filter(
  (v): v is number => typeof v === "number" && v > 0,
);

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function readInt(key: string, raw: unknown, min: number, max: number): number {
  const n =
    typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^\s*\d+\s*$/.test(raw)
        ? Number(raw)
        : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new StackConfigError(
      `context "${key}" must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

function readRetention(raw: unknown): number {
  const n = readInt("logRetentionDays", raw, 1, 3653);
  if (!RETENTION_DAYS.includes(n)) {
    throw new StackConfigError(
      `context "logRetentionDays" must be one of ${RETENTION_DAYS.join(", ")}, got ${n}`,
    );
  }
  return n;
}

function readString(
  key: string,
  raw: unknown,
  valid: (s: string) => boolean,
  what: string,
): string {
  if (typeof raw !== "string" || !valid(raw)) {
    throw new StackConfigError(`context "${key}" must be ${what}, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function isUrl(s: string): boolean {
  try {
    return ["https:", "http:"].includes(new URL(s).protocol);
  } catch {
    return false;
  }
}

/** Reads the stack's configuration from CDK context (`node.tryGetContext`); unset keys take their defaults. */
export function readStackConfig(tryGetContext: (key: string) => unknown): StackConfig {
  const get = (key: keyof StackConfig): unknown => {
    const v = tryGetContext(key);
    return v === "" ? undefined : v;
  };
  const d = DEFAULT_STACK_CONFIG;
  const opt = <T>(key: keyof StackConfig, read: (raw: unknown) => T, fallback: T): T => {
    const raw = get(key);
    return raw === undefined ? fallback : read(raw);
  };
  return {
    githubAppId: opt(
      "githubAppId",
      (r) => readInt("githubAppId", r, 1, Number.MAX_SAFE_INTEGER),
      d.githubAppId,
    ),
    prRunExpirationDays: opt(
      "prRunExpirationDays",
      (r) => readInt("prRunExpirationDays", r, 1, 3650),
      d.prRunExpirationDays,
    ),
    abortIncompleteUploadDays: opt(
      "abortIncompleteUploadDays",
      (r) => readInt("abortIncompleteUploadDays", r, 1, 365),
      d.abortIncompleteUploadDays,
    ),
    publicUrl: opt(
      "publicUrl",
      (r) => readString("publicUrl", r, isUrl, "an http(s) URL").replace(/\/+$/, ""),
      d.publicUrl,
    ),
    githubOAuthClientId: opt(
      "githubOAuthClientId",
      (r) =>
        readString(
          "githubOAuthClientId",
          r,
          (s) => /^[A-Za-z0-9.]{1,64}$/.test(s),
          "a GitHub client id such as Iv23li…",
        ),
      d.githubOAuthClientId,
    ),
    queueName: opt(
      "queueName",
      (r) =>
        readString(
          "queueName",
          r,
          (s) => /^[A-Za-z0-9_.-]+$/.test(s),
          "letters, digits, '_', '.', '-'",
        ),
      d.queueName,
    ),
    runnerPools: opt("runnerPools", (r) => readRunnerPools(r), d.runnerPools),
    lambdaMemoryMb: opt(
      "lambdaMemoryMb",
      (r) => readInt("lambdaMemoryMb", r, 128, 10240),
      d.lambdaMemoryMb,
    ),
    lambdaTimeoutSeconds: opt(
      "lambdaTimeoutSeconds",
      (r) => readInt("lambdaTimeoutSeconds", r, 3, 900),
      d.lambdaTimeoutSeconds,
    ),
    logRetentionDays: opt("logRetentionDays", (r) => readRetention(r), d.logRetentionDays),
    errorAlarmThreshold: opt(
      "errorAlarmThreshold",
      (r) => readInt("errorAlarmThreshold", r, 1, 100000),
      d.errorAlarmThreshold,
    ),
    alarmEmail: opt(
      "alarmEmail",
      (r) => readString("alarmEmail", r, (s) => /^[^@\s]+@[^@\s]+$/.test(s), "an e-mail address"),
      d.alarmEmail,
    ),
    lambdaRuntime: opt("lambdaRuntime", readLambdaRuntime, d.lambdaRuntime),
    logLevel: opt(
      "logLevel",
      (r) =>
        readString("logLevel", r, (s) => LOG_LEVELS.includes(s), `one of ${LOG_LEVELS.join(", ")}`),
      d.logLevel,
    ),
  };
}

/** `-c runnerPools=m2-ultra-3x,m4-max-2x` (or a JSON list in cdk.json): runs-on labels. */
function readRunnerPools(raw: unknown): string[] {
  const list: unknown[] = Array.isArray(raw)
    ? (raw as unknown[])
    : String(raw)
        .split(",")
        .map((s) => s.trim());
  const labels = list.filter((s) => s !== "");
  const bad = labels.find((l) => typeof l !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(l));
  if (bad !== undefined) {
    throw new StackConfigError(
      `runnerPools: ${JSON.stringify(bad)} is not a runner label (1–64 of A-Z a-z 0-9 _ . -)`,
    );
  }
  if (new Set(labels).size !== labels.length) {
    throw new StackConfigError("runnerPools: a label is listed twice");
  }
  return labels as string[];
}
