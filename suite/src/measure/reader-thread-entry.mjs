// The reader thread's entry: registers tsx so the TypeScript worker loads the same way under
// node, tsx and vitest, then starts it.
import { register } from "tsx/esm/api";

register();
await import("./reader-thread-worker.ts");
