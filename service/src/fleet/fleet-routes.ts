import { Hono } from "hono";
import { html } from "hono/html";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { formatAgo } from "./describe-pool.js";
import { readFleet, type FleetSnapshot } from "./read-fleet.js";

export interface FleetRoutesDeps {
  redis: Redis;
  keyPrefix: string;
  queueFor: (label: string) => Queue;
  now?: () => number;
}

/** GET /fleet.json (the snapshot) and GET /fleet (the same as a page). */
export function createFleetRoutes(deps: FleetRoutesDeps): Hono {
  const app = new Hono();
  const snapshot = (): Promise<FleetSnapshot> => readFleet({ ...deps, now: deps.now ?? Date.now });
  app.get("/fleet.json", async (c) => c.json(await snapshot()));
  app.get("/fleet", async (c) => c.html(renderFleetPage(await snapshot())));
  return app;
}

export function renderFleetPage(f: FleetSnapshot) {
  const pools = f.pools.map(
    (p) =>
      html`<tr>
        <td><code>${p.label}</code></td>
        <td>${p.runnersOnline}</td>
        <td>${p.lastSeen === null ? "never" : formatAgo(f.at - p.lastSeen)}</td>
        <td>${p.waiting}</td>
        <td>${p.active}</td>
        <td>${p.oldestWaitS === null ? "–" : `${p.oldestWaitS.toFixed(0)} s`}</td>
      </tr>`,
  );
  const runners = f.runners.map(
    (r) =>
      html`<tr>
        <td>${r.runnerId}</td>
        <td>${r.labels.join(", ")}</td>
        <td><code>${r.fingerprint}</code></td>
        <td>${r.currentJob ? `${r.currentJob.jobId} (${r.currentJob.progress})` : "idle"}</td>
      </tr>`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>mlxbench fleet</title>
      </head>
      <body>
        <h1>Fleet</h1>
        <h2>Pools</h2>
        <table>
          <tr>
            <th>label</th>
            <th>runners online</th>
            <th>last seen</th>
            <th>queued</th>
            <th>running</th>
            <th>oldest wait</th>
          </tr>
          ${pools}
        </table>
        <h2>Runners online</h2>
        <table>
          <tr>
            <th>runner</th>
            <th>labels</th>
            <th>cluster</th>
            <th>job</th>
          </tr>
          ${runners}
        </table>
        <p><a href="/fleet.json">fleet.json</a></p>
      </body>
    </html>`;
}
