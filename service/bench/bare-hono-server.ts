// The reference: the same HTTP stack with nothing behind the route.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/webhooks/github", async (c) => {
  await c.req.arrayBuffer();
  return c.json({ result: "ok" }, 202);
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, (info) => {
  console.log(`LISTENING ${info.port}`);
});
