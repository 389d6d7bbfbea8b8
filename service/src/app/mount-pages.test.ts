import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUBLIC_REPO, seedArchive, type SeededArchive } from "../pages/testing/seed-archive.js";
import { startHarness, type Harness } from "../testing/harness.js";

describe("the service app mounts the archive pages", () => {
  let dir: string;
  let seeded: SeededArchive;
  let withPages: Harness;
  let withoutPages: Harness;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mlxbench-mount-"));
    seeded = await seedArchive(dir);
    withPages = await startHarness({ pages: { store: seeded.store } });
    withoutPages = await startHarness();
  });

  afterAll(async () => {
    await withPages.close();
    await withoutPages.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves a repository's runs next to the webhook route", async () => {
    const res = await withPages.app.request(`/reports/${PUBLIC_REPO}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain(seeded.mainRunIds[0]);
    const health = await withPages.app.request("/webhooks/github", { method: "POST", body: "{}" });
    expect(health.status).toBe(401);
  });

  it("answers a plain 404 when no archive is configured", async () => {
    const res = await withoutPages.app.request(`/reports/${PUBLIC_REPO}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "not found" });
  });
});
