import { serve } from "@hono/node-server";
import { pino } from "pino";
import { createApp, createDeps } from "./app/index.js";
import { loadConfig } from "./config/index.js";

const config = loadConfig();
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
