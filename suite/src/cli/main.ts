import { runCli } from "./run-cli.js";

// Thin entry point: argv in, exit code out. Ctrl-C aborts the run and still writes what was measured.
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted (SIGINT)")));
process.once("SIGTERM", () => controller.abort(new Error("terminated (SIGTERM)")));

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
