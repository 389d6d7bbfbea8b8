import { serve } from "@hono/node-server";
import { pino } from "pino";
import { createApp, createDeps } from "./app/index.js";
import { loadConfig, type Config } from "./config/index.js";
import { ConfigError } from "./errors.js";

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  // A configuration problem is the operator's to fix: say which variable, without a stack.
  if (!(err instanceof ConfigError)) throw err;
  console.error(`mlxbench service: ${err.message}`);
  process.exit(2);
}
// Asynchronous log writes: a synchronous write per delivery cost ~8% of the server's CPU under load.
// pino flushes this destination on exit; Lambda (lambda.ts) keeps the synchronous default.
const log = pino({ level: config.LOG_LEVEL }, pino.destination({ sync: false }));
const deps = await createDeps(config, log);
const app = createApp(deps);
const server = serve(
  { fetch: app.fetch, port: config.PORT, hostname: process.env.HOST ?? "0.0.0.0" },
  (info) => {
    log.info({ port: info.port }, "mlxbench service listening");
  },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void deps.close().then(() => {
      log.flush();
      process.exit(0);
    });
  });
}
