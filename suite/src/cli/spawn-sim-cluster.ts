import { spawn, type ChildProcess } from "node:child_process";
import { simBundlePath } from "@mlxbench/sim/entry";

/** A reference cluster could not be started in a child process; `output` is what it printed. */
export class SimClusterStartError extends Error {
  override readonly name = "SimClusterStartError";
  constructor(
    message: string,
    readonly output: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A reference cluster (sim/src/main.ts) running in its own Node process. */
export interface SimClusterProcess {
  pid: number;
  apiUrl: string;
  /** Rank 0's gRPC address, as the suite's --grpc-target wants it. */
  grpcTarget: string;
  deviceIds: string[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnSimClusterOptions {
  devices: number;
  seed: number;
  /** Extra sim CLI arguments (e.g. faults). */
  extraArgs?: string[];
  /** How long to wait for the addresses to be printed (default 30 s). */
  startTimeoutMs?: number;
}

const OUTPUT_CHARS = 4000;

/** The printed addresses, once the whole banner (ending with the faults line) is there. */
function parseBanner(
  out: string,
): { apiUrl: string; grpcTarget: string; deviceIds: string[] } | null {
  if (!/^\s+faults\s/m.test(out)) return null;
  const api = /^\s+HTTP API\s+(\S+)/m.exec(out)?.[1];
  const ranks = [...out.matchAll(/^\s+gRPC rank (\d+)\s+(\S+)\s+(\S+)/gm)];
  const rank0 = ranks.find((m) => m[1] === "0")?.[2];
  if (!api || !rank0) return null;
  return { apiUrl: api, grpcTarget: rank0, deviceIds: ranks.map((m) => m[3] ?? "?") };
}

/**
 * Starts the reference cluster (sim/src/main.ts, prebuilt by simBundlePath) on random ports and resolves with the addresses it
 * prints. Its own process, so the sim's work does not share the measuring client's event loop.
 */
export async function spawnSimCluster(opts: SpawnSimClusterOptions): Promise<SimClusterProcess> {
  const args = [
    simBundlePath(),
    "--devices",
    String(opts.devices),
    "--seed",
    String(opts.seed),
    "--port",
    "0",
    "--grpc-port",
    "0",
    ...(opts.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_CHARS);
  };
  child.stderr?.on("data", keep);

  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  try {
    const banner = await new Promise<NonNullable<ReturnType<typeof parseBanner>>>(
      (resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`printed no addresses within ${timeoutMs} ms`)),
          timeoutMs,
        );
        child.stdout?.on("data", (chunk: Buffer) => {
          keep(chunk);
          const parsed = parseBanner(output);
          if (parsed) {
            clearTimeout(timer);
            resolve(parsed);
          }
        });
        child.once("error", (err) => {
          clearTimeout(timer);
          reject(err);
        });
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`exited with ${code ?? signal ?? "?"} before it was ready`));
        });
      },
    );
    if (child.pid === undefined) throw new Error("has no pid");
    // Later output is not needed; keep reading so a full pipe never blocks the sim.
    child.stdout?.removeAllListeners("data");
    child.stdout?.resume();
    return { pid: child.pid, ...banner, stop };
  } catch (err) {
    await stop(1000);
    const why = err instanceof Error ? err.message : String(err);
    throw new SimClusterStartError(
      `reference cluster (${opts.devices} device(s)) did not start: ${why}${output.trim() ? `\n${output.trim()}` : ""}`,
      output,
      { cause: err },
    );
  }
}
