import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The gRPC reference server could not be started; what it printed is in the message. */
export class GrpcReferenceStartError extends Error {
  override readonly name = "GrpcReferenceStartError";
}

export interface GrpcReferenceServer {
  /** HOST:PORT on loopback. */
  target: string;
  pid: number;
  /** Ends the process; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL("./grpc-reference-server-main.ts", import.meta.url));

/**
 * Starts a bare grpc-js server with no-op health handlers (grpc-reference-server-main.ts) in its
 * own process on loopback, as the cluster's servers run in theirs: the same call to it costs what
 * gRPC costs on this machine, with nothing of a cluster in it. Run through tsx, as the suite is.
 */
export async function startGrpcReferenceServer(
  opts: { host?: string; timeoutMs?: number } = {},
): Promise<GrpcReferenceServer> {
  const host = opts.host ?? "127.0.0.1";
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(process.execPath, ["--import", tsxLoader, ENTRY, host], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  let output = "";
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new GrpcReferenceStartError(`printed no port within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const settle = (): void => clearTimeout(timer);
      child.stderr?.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-2000)));
      child.stdout?.on("data", (c: Buffer) => {
        output += c.toString();
        const m = /^listening (\d+)$/m.exec(output);
        if (m) {
          settle();
          resolve(Number(m[1]));
        }
      });
      child.once("error", (err) => {
        settle();
        reject(new GrpcReferenceStartError(err.message, { cause: err }));
      });
      child.once("exit", (code, signal) => {
        settle();
        reject(new GrpcReferenceStartError(`exited with ${code ?? signal} before listening`));
      });
    });
    child.stdout?.removeAllListeners("data");
    child.stdout?.resume();
    if (child.pid === undefined) throw new GrpcReferenceStartError("has no pid");
    const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    return { target, pid: child.pid, stop };
  } catch (err) {
    await stop();
    const why = err instanceof Error ? err.message : String(err);
    throw new GrpcReferenceStartError(
      `gRPC reference server: ${why}${output.trim() ? `: ${output.trim()}` : ""}`,
      { cause: err },
    );
  }
}
