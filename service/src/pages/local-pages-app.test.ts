import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalPagesApp, serveLocalPages, type LocalPagesServer } from "./index.js";
import {
  PRIVATE_REPO,
  PUBLIC_REPO,
  seedArchive,
  type SeededArchive,
} from "./testing/seed-archive.js";

let dir: string;
let seeded: SeededArchive;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-local-pages-"));
  seeded = await seedArchive(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the local pages app (no GitHub App, no secret)", () => {
  it("redirects / to the repository's runs", async () => {
    const app = createLocalPagesApp({ store: seeded.store, repository: PUBLIC_REPO });
    const res = await app.request("/");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/reports/${PUBLIC_REPO}`);
  });

  it("shows a public repository's runs and a run page", async () => {
    const app = createLocalPagesApp({ store: seeded.store, repository: PUBLIC_REPO });
    const list = await app.request(`/reports/${PUBLIC_REPO}`);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain(seeded.pr.regressed);
    const run = await app.request(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`);
    expect(run.status).toBe(200);
  });

  it("never shows a private repository: 404, as to anyone not signed in", async () => {
    const app = createLocalPagesApp({ store: seeded.store });
    const res = await app.request(`/reports/${PRIVATE_REPO}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(seeded.privateRunIds[0] ?? "no private run seeded");
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])(
    "refuses %s with 405 and says why",
    async (method) => {
      const app = createLocalPagesApp({ store: seeded.store, repository: PUBLIC_REPO });
      const res = await app.request(`/reports/${PUBLIC_REPO}`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expect(await res.text()).toContain(`${method} is not allowed`);
    },
  );

  it("without a repository, / is the pages' 404, not a redirect", async () => {
    const res = await createLocalPagesApp({ store: seeded.store }).request("/");
    expect(res.status).toBe(404);
  });
});

describe("serveLocalPages", () => {
  let server: LocalPagesServer;
  afterAll(async () => server?.close());

  it("serves on 127.0.0.1 over a real socket", async () => {
    server = await serveLocalPages({ store: seeded.store, repository: PUBLIC_REPO });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${server.url}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const page = await fetch(`${server.url}/reports/${PUBLIC_REPO}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
  });

  it.each([-1, 70000, 1.5])("refuses port %s, naming it", async (port) => {
    await expect(serveLocalPages({ store: seeded.store, port })).rejects.toThrow(
      `port must be an integer 0 … 65535, got ${port}`,
    );
  });
});
