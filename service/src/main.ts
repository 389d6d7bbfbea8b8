import { serve } from "@hono/node-server";
import { createApp, createDeps } from "./app/index.js";
import { loadConfig } from "./config/index.js";

const config = loadConfig();
const deps = await createDeps(config);
const app = createApp(deps);
const server = serve(
  { fetch: app.fetch, port: config.PORT, hostname: process.env.HOST ?? "0.0.0.0" },
  (info) => {
    deps.log.info({ port: info.port }, "mlxbench service listening");
  },
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.close();
    void deps.close().then(() => process.exit(0));
  });
}
