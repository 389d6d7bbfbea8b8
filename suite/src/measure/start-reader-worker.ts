import v8 from "node:v8";
import { Worker } from "node:worker_threads";

/**
 * The reader thread's semi-space, MB. A new isolate starts with a 1 MB semi-space and grows it only
 * when objects survive; the reader thread's garbage dies young (about 1.5 KB per socket read, most
 * of it node's readable stream and undici's parser), so it scavenged every few thousand reads, and
 * every pause landed inside a decode burst: each read of the burst after it was stamped late.
 * At 32 MB it scavenges about once per 20,000 reads (docs/metrics.md, "The reader thread").
 */
export const READER_SEMI_SPACE_MB = 32;

/**
 * Starts the reader thread's worker with a young generation of READER_SEMI_SPACE_MB. V8 reads
 * `--min-semi-space-size` when an isolate is created and a Worker's execArgv cannot carry V8
 * flags, so the flag is set for the moment the worker's isolate is made, then put back to what
 * this process was started with.
 */
export function startReaderWorker(url: URL, semiSpaceMb = READER_SEMI_SPACE_MB): Worker {
  // Readers started together share the setting: it is put back when the last one's isolate exists.
  if (starting++ === 0) before = minSemiSpaceFromArgv(process.execArgv);
  v8.setFlagsFromString(`--min-semi-space-size=${Math.max(semiSpaceMb, largest)}`);
  largest = Math.max(semiSpaceMb, largest);
  let done = false;
  const started = (): void => {
    if (done) return;
    done = true;
    if (--starting > 0) return;
    largest = 0;
    v8.setFlagsFromString(`--min-semi-space-size=${before}`);
  };
  try {
    const worker = new Worker(url, {
      // V8's young generation is three semi-spaces' worth (two semi-spaces and the large-object space).
      resourceLimits: { maxYoungGenerationSizeMb: 3 * semiSpaceMb },
    });
    // The isolate is created on the worker's own thread: it exists once the worker is online.
    worker.once("online", started);
    worker.once("error", started);
    worker.once("exit", started);
    return worker;
  } catch (err) {
    started();
    throw err;
  }
}

let starting = 0;
let largest = 0;
let before = 0;

/** The `--min-semi-space-size` this process was started with (0: V8's default). */
export function minSemiSpaceFromArgv(execArgv: readonly string[]): number {
  let value = 0;
  for (const arg of execArgv) {
    const m = /^--min[-_]semi[-_]space[-_]size=(\d+)$/.exec(arg);
    if (m !== null) value = Number(m[1]);
  }
  return value;
}
