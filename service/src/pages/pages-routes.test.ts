import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRun, runKeys } from "@mlxbench/archive";
import { chartedChanges } from "@mlxbench/suite/report/chart-configs";
import {
  createPagesRoutes,
  loadPagesConfig,
  signReportUrl,
  verifyReportSignature,
} from "./index.js";
import {
  PRIVATE_REPO,
  PUBLIC_REPO,
  seedArchive,
  type SeededArchive,
} from "./testing/seed-archive.js";

const SECRET = "s".repeat(40);
const NOW = Date.UTC(2025, 5, 1);
let dir: string;
let seeded: SeededArchive;
let oauthServer: Server;
let oauthUrl: string;
let app: Hono;

/** GitHub's OAuth token exchange and the two API calls sign-in makes, for two users. */
function startOAuthDouble(): Promise<Server> {
  const tokens: Record<string, { token: string; login: string }> = {
    "code-alice": { token: "tok-alice", login: "alice" },
    "code-bob": { token: "tok-bob", login: "bob" },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      const auth = req.headers.authorization ?? "";
      const who = Object.values(tokens).find((t) => auth === `Bearer ${t.token}`);
      if (req.method === "POST" && req.url === "/login/oauth/access_token") {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          code?: string;
          client_secret?: string;
        };
        const grant = body.client_secret === "oauth-secret" ? tokens[body.code ?? ""] : undefined;
        if (grant) send(200, { access_token: grant.token, token_type: "bearer", scope: "" });
        else
          send(200, {
            error: "bad_verification_code",
            error_description: "The code passed is incorrect or expired.",
          });
      } else if (req.url === "/user" && who) send(200, { login: who.login, id: 1 });
      else if (req.url === `/repos/${PRIVATE_REPO}` && who?.login === "alice") {
        send(200, {
          full_name: PRIVATE_REPO,
          private: true,
          permissions: { admin: false, push: false, pull: true },
        });
      } else send(404, { message: "Not Found" });
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlxbench-pages-"));
  seeded = await seedArchive(dir);
  oauthServer = await startOAuthDouble();
  oauthUrl = `http://127.0.0.1:${(oauthServer.address() as AddressInfo).port}`;
  app = new Hono();
  app.route(
    "/",
    createPagesRoutes({
      store: seeded.store,
      secret: SECRET,
      oauth: {
        clientId: "client-1",
        clientSecret: "oauth-secret",
        webUrl: oauthUrl,
        apiUrl: oauthUrl,
      },
      clock: () => new Date(NOW),
      publicUrl: "http://pages.test",
    }),
  );
});

afterAll(async () => {
  await new Promise((ok) => oauthServer.close(ok));
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, cookie?: string): Promise<Response> =>
  Promise.resolve(app.request(`http://pages.test${path}`, cookie ? { headers: { cookie } } : {}));

/** `name=value` pairs of a response's Set-Cookie headers, as a Cookie header. */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .filter((c) => !c.endsWith("="))
    .join("; ");
}

describe("signed links", () => {
  const runPath = `/reports/${PRIVATE_REPO}/runs/secret-2`;

  it("refuses a private repository's pages without a link or sign-in, as if they did not exist", async () => {
    const paths = [
      `/reports/${PRIVATE_REPO}`,
      runPath,
      `${runPath}/files/logs/cluster-distributed.log`,
      `${runPath}/run_result.json`,
      `/reports/${PRIVATE_REPO}/trends`,
      `/reports/${PRIVATE_REPO}/trends/inference.e2e_ms.png`,
      `/reports/${PRIVATE_REPO}/compare?a=secret-0&b=secret-1`,
      `/reports/${PRIVATE_REPO}/compare.png?a=secret-0&b=secret-1`,
    ];
    const unknown = await (await get("/reports/nobody/nothing")).text();
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      // The sign-in link returns to the address the viewer asked for; nothing else may differ.
      const body = (await res.text()).replace(/next=[^"]*/, "");
      expect(body, path).not.toContain("secret-models");
      expect(body, path).toBe(unknown.replace(/next=[^"]*/, ""));
    }
  });

  it("opens the signed page and, through the cookie it sets, the run's files, but nothing else", async () => {
    const res = await get(signReportUrl(runPath, SECRET, NOW + 3600_000));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("secret-2");
    expect(res.headers.get("cache-control")).toContain("private");
    const cookie = cookiesOf(res);
    expect(cookie).toContain("mlxb_session=");

    const file = await get(`${runPath}/files/comprehensive/latency_distribution.png`, cookie);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect((await get(`${runPath}/run_result.json`, cookie)).status).toBe(200);
    expect((await get(`/reports/${PRIVATE_REPO}/runs/secret-1`, cookie)).status).toBe(404);
    expect((await get(`/reports/${PRIVATE_REPO}/trends`, cookie)).status).toBe(404);
  });

  it("refuses an expired link with 403 and a tampered one with 404", async () => {
    const expired = await get(signReportUrl(runPath, SECRET, NOW - 1));
    expect(expired.status).toBe(403);
    const body = (await expired.text()).replace(/next=[^"]*/, "");
    expect(body).toContain("This link has expired");
    expect(body).not.toContain("secret-models");

    const good = signReportUrl(runPath, SECRET, NOW + 3600_000);
    const tamperedSig = good.replace(
      /sig=([0-9a-f])/,
      (_m, c: string) => `sig=${c === "0" ? "1" : "0"}`,
    );
    const laterExpiry = good.replace(/exp=\d+/, `exp=${NOW + 999_999_999}`);
    const otherRun = good.replace("secret-2", "secret-1");
    const otherSecret = signReportUrl(runPath, "t".repeat(40), NOW + 3600_000);
    for (const url of [
      tamperedSig,
      laterExpiry,
      otherRun,
      otherSecret,
      `${runPath}?exp=${NOW + 1000}&sig=zz`,
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(
        res.headers.getSetCookie().some((c) => c.startsWith("mlxb_session=")),
        url,
      ).toBe(false);
    }
  });

  it("rejects a tampered session cookie", async () => {
    const res = await get(signReportUrl(runPath, SECRET, NOW + 3600_000));
    const cookie = cookiesOf(res);
    const [name, value = ""] = cookie.split("=");
    const [body = "", mac = ""] = value.split(".");
    const forged = Buffer.from(
      JSON.stringify({ repos: { [PRIVATE_REPO]: NOW + 1e9 }, grants: {} }),
      "utf8",
    ).toString("base64url");
    expect((await get(runPath, `${name}=${forged}.${mac}`)).status).toBe(404);
    expect((await get(runPath, `${name}=${body}.${mac.slice(0, -2)}xx`)).status).toBe(404);
    expect((await get(runPath, cookie)).status).toBe(200);
  });

  it("signs absolute URLs and refuses paths outside the reports", () => {
    const url = signReportUrl(`https://bench.example.com${runPath}`, SECRET, NOW + 1000);
    expect(url).toMatch(
      new RegExp(`^https://bench\\.example\\.com${runPath}\\?exp=${NOW + 1000}&sig=[0-9a-f]{64}$`),
    );
    const q = new URL(url).searchParams;
    expect(
      verifyReportSignature(runPath, q.get("exp") ?? "", q.get("sig") ?? "", SECRET, NOW),
    ).toBe("valid");
    expect(
      verifyReportSignature(runPath, q.get("exp") ?? "", q.get("sig") ?? "", SECRET, NOW + 1000),
    ).toBe("expired");
    expect(() => signReportUrl("/healthz", SECRET, NOW)).toThrow(/not a report path/);
    expect(() => signReportUrl(runPath, "", NOW)).toThrow(/non-empty secret/);
    expect(() => signReportUrl(runPath, SECRET, Number.NaN)).toThrow(/not a valid time/);
  });
});

describe("GitHub sign-in", () => {
  async function signIn(code: string, next = `/reports/${PRIVATE_REPO}`): Promise<Response> {
    const login = await get(`/auth/github/login?next=${encodeURIComponent(next)}`);
    expect(login.status).toBe(302);
    const location = new URL(login.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(`${oauthUrl}/login/oauth/authorize`);
    expect(location.searchParams.get("client_id")).toBe("client-1");
    expect(location.searchParams.get("redirect_uri")).toBe(
      "http://pages.test/auth/github/callback",
    );
    const state = location.searchParams.get("state") ?? "";
    return get(`/auth/github/callback?code=${code}&state=${state}`, cookiesOf(login));
  }

  it("grants a user with access to the repository", async () => {
    const res = await signIn("code-alice");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/reports/${PRIVATE_REPO}`);
    const cookie = cookiesOf(res);
    const list = await get(`/reports/${PRIVATE_REPO}`, cookie);
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain("signed in as alice");
    expect(html).toContain("secret-0");
    expect((await get(`/reports/${PRIVATE_REPO}/trends/inference.e2e_ms.png`, cookie)).status).toBe(
      200,
    );
  });

  it("denies a user without access, and the reports stay hidden", async () => {
    const res = await signIn("code-bob");
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("signed in as bob");
    expect((await get(`/reports/${PRIVATE_REPO}`, cookiesOf(res))).status).toBe(404);
  });

  it("refuses a code GitHub rejects, a wrong state and a missing state cookie", async () => {
    expect((await signIn("code-mallory")).status).toBe(500);
    const login = await get(
      `/auth/github/login?next=${encodeURIComponent(`/reports/${PRIVATE_REPO}`)}`,
    );
    const state = new URL(login.headers.get("location") ?? "").searchParams.get("state") ?? "";
    expect(
      (
        await get(
          `/auth/github/callback?code=code-alice&state=${state.replace(/.$/, "x")}`,
          cookiesOf(login),
        )
      ).status,
    ).toBe(403);
    expect((await get(`/auth/github/callback?code=code-alice&state=${state}`)).status).toBe(403);
  });

  it.each(["https://evil.example/", "//evil.example/reports/a/b", "/healthz", ""])(
    "refuses to return to %j",
    async (next) => {
      const res = await get(`/auth/github/login?next=${encodeURIComponent(next)}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("location")).toBeNull();
    },
  );
});

describe("bad input", () => {
  it.each([
    "/reports/acme/unknown-repo",
    `/reports/${PUBLIC_REPO}/runs/no-such-run`,
    `/reports/${PUBLIC_REPO}/runs/no-such-run/files/x.png`,
    `/reports/${PUBLIC_REPO}/runs/main-00/files/no-such-file.json`,
    `/reports/${PUBLIC_REPO}/runs/main-00/files/..%2F..%2Fmeta.json`,
    `/reports/${PUBLIC_REPO}/trends/no.such.metric.png`,
    "/reports/acme",
    "/reports/a$b/c",
  ])("%s is a 404 page", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("<h1>Not found</h1>");
  });

  it("says which document is corrupt and still renders the rest of the run", async () => {
    const res = await get(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.corrupt}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<strong>run_result\.json<\/strong> could not be read: not valid JSON/);
    expect(html).toContain("Executive summary");
    expect(html).toContain('data-metric="inference.e2e_ms"');
    expect(html).toContain("files/logs/cluster-distributed.log");
  });

  it("falls back to the index entry when meta.json is corrupt", async () => {
    await seeded.store.put(runKeys(PUBLIC_REPO, "main-03").meta, "not json", "application/json");
    const res = await get(`/reports/${PUBLIC_REPO}/runs/main-03`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<strong>meta\.json<\/strong> could not be read/);
    expect(html).toContain("Branch");
  });

  it("leaves a corrupt run out of the trends and says so", async () => {
    await seeded.store.put(runKeys(PUBLIC_REPO, "main-04").runResult, "{", "application/json");
    const fresh = new Hono().route(
      "/",
      createPagesRoutes({ store: seeded.store, clock: () => new Date(NOW) }),
    );
    const html = await (await fresh.request(`/reports/${PUBLIC_REPO}/trends`)).text();
    expect(html).toMatch(/Left out: run main-04: .*run_result\.json is not valid JSON/);
    expect(html).toContain('id="m-inference.e2e_ms"');
  });

  it("explains filters it cannot use instead of ignoring them silently", async () => {
    const html = await (await get(`/reports/${PUBLIC_REPO}?pr=abc&verdict=green`)).text();
    expect(html).toContain("pull request &quot;abc&quot; is not a number");
    expect(html).toContain(
      "verdict &quot;green&quot; is not one of success, failure, neutral, cancelled",
    );
  });

  it("links a PR's run page to its baseline by the archive's id, which resolves", async () => {
    const last = seeded.mainRunIds.at(-1) ?? "";
    const html = await (await get(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`)).text();
    expect(html).toContain(`href="/reports/${PUBLIC_REPO}/runs/${last}"`);
    expect(html).not.toContain("is not in the archive");
    expect((await get(`/reports/${PUBLIC_REPO}/runs/${last}`)).status).toBe(200);
    const compare = `/reports/${PUBLIC_REPO}/compare?a=${last}&b=${seeded.pr.regressed}`;
    expect((await get(compare)).status).toBe(200);
  });

  it("charts each changed metric baseline vs this run, and no other", async () => {
    const run = `/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`;
    const verdict = (await loadRun(seeded.store, PUBLIC_REPO, seeded.pr.regressed))?.verdict;
    const changed = chartedChanges(verdict?.metrics ?? []);
    expect(changed.map((m) => m.outcome)).toContain("regressed");
    const html = await (await get(run)).text();
    const section = html.slice(html.indexOf('aria-label="changes"'));
    const shown = [...section.matchAll(/data-change="([^"]+)"/g)].map((m) => m[1]);
    expect(shown).toEqual(changed.map((m) => m.key));
    for (const m of changed) {
      const png = await get(`${run}/changes/${encodeURIComponent(m.key)}.png`);
      expect([png.status, png.headers.get("content-type")]).toEqual([200, "image/png"]);
      expect((await png.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    // A run whose metric did not change gets no chart: the improved PR's unchanged ones.
    const other = (await loadRun(seeded.store, PUBLIC_REPO, seeded.pr.improved))?.verdict;
    const still = other?.metrics.find((m) => !chartedChanges(other.metrics).includes(m));
    expect(still?.outcome).toBeDefined();
    const otherRun = `/reports/${PUBLIC_REPO}/runs/${seeded.pr.improved}`;
    expect(await (await get(otherRun)).text()).not.toContain(`data-change="${still?.key ?? ""}"`);
    expect((await get(`${otherRun}/changes/${still?.key ?? ""}.png`)).status).toBe(404);
  });

  it("compares in the verdict's words when B was judged against A", async () => {
    const last = seeded.mainRunIds.at(-1) ?? "";
    const judged = await (
      await get(`/reports/${PUBLIC_REPO}/compare?a=${last}&b=${seeded.pr.regressed}`)
    ).text();
    expect(judged).toContain("B was judged against A");
    expect(judged).toContain("🔴 regressed");
    expect(judged).not.toContain("not judged");
  });

  it("says only which way each median moved when B was not judged against A", async () => {
    const html = await (
      await get(`/reports/${PUBLIC_REPO}/compare?a=main-00&b=${seeded.pr.improved}`)
    ).text();
    expect(html).toContain("better, not judged");
    expect(html).toContain("B was not judged against A");
    expect(html).not.toMatch(/>\s*(regressed|improved)\s*</);
  });

  it("lists each run with one line: the verdict's counts and its headline change", async () => {
    const html = await (await get(`/reports/${PUBLIC_REPO}`)).text();
    const row = html.split("<tr").find((r) => r.includes(`data-run="${seeded.pr.regressed}"`));
    expect(row).toMatch(/🔴 \d+ regressed.* — inference\.\w+ \+[\d.]+ % ↑ worse \[/);
  });

  it("names a run the comparison cannot find", async () => {
    const html = await (await get(`/reports/${PUBLIC_REPO}/compare?a=main-01&b=ghost`)).text();
    expect(html).toContain("run B (&quot;ghost&quot;) is not in this repository&#39;s archive");
  });

  it("serves artifacts with their content type, HTML sandboxed", async () => {
    const base = `/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}`;
    const cases: [string, string][] = [
      [`${base}/files/comprehensive/latency_distribution.png`, "image/png"],
      [`${base}/files/logs/cluster-distributed.log`, "text/plain; charset=utf-8"],
      [`${base}/files/report.html`, "text/html; charset=utf-8"],
      [`${base}/summary.md`, "text/markdown; charset=utf-8"],
      [`${base}/verdict.json`, "application/json"],
    ];
    for (const [path, type] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toBe(type);
      expect(res.headers.get("content-security-policy"), path).toMatch(/^sandbox;/);
    }
  });
});

describe("the run page's verdict", () => {
  it("shows each metric's minimum detectable effect and, for a confirmed run, both tiers", async () => {
    const res = await get(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.confirmed}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Detectable");
    const e2eRow = /<tr data-metric="inference.e2e_ms">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? "";
    expect(e2eRow).toMatch(/±\d+(\.\d)? %/);
    expect(e2eRow).toMatch(/6 A\/B pairs:(<br ?\/?>|\s)*\+\d/);
    expect(html).toMatch(/<dt>Screen<\/dt>/);
    expect(html).toMatch(
      /<dt>Confirmation<\/dt>[\s\S]*6 A\/B pairs of the merge-base and this commit/,
    );
  });

  it("shows no tiers for a run the screen decided alone", async () => {
    const html = await (await get(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.improved}`)).text();
    expect(html).toContain("Detectable");
    expect(html).not.toMatch(/<dt>Confirmation<\/dt>/);
  });
});

describe("security headers", () => {
  // The values the pages sent when they set their headers by hand; secureHeaders() keeps them.
  const PAGE_CSP =
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
  const FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

  it.each([
    ["a runs page", () => `/reports/${PUBLIC_REPO}`, 200, PAGE_CSP],
    ["the 404 page", () => "/reports/nobody/nothing", 404, PAGE_CSP],
    ["a sign-in refusal", () => "/auth/github/login?next=/elsewhere", 404, PAGE_CSP],
    [
      "an archived HTML report",
      () => `/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}/files/report.html`,
      200,
      FILE_CSP,
    ],
  ])("%s carries its CSP, nosniff and same-origin referrers", async (_name, path, status, csp) => {
    const res = await get(path());
    expect(res.status).toBe(status);
    expect(res.headers.get("content-security-policy")).toBe(csp);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("lets a sandboxed report load its own images, and keeps pages out of frames", async () => {
    const file = await get(`/reports/${PUBLIC_REPO}/runs/${seeded.pr.regressed}/files/report.html`);
    expect(file.headers.get("cross-origin-resource-policy")).toBeNull();
    const page = await get(`/reports/${PUBLIC_REPO}`);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("cache-control")).toBe("public, max-age=60");
  });
});

describe("hosted charts", () => {
  it("links each trend to the configured QuickChart server, and to none by default", async () => {
    const withQc = new Hono().route(
      "/",
      createPagesRoutes({ store: seeded.store, quickChartUrl: "https://qc.example.com:8443" }),
    );
    const html = await (await withQc.request(`/reports/${PUBLIC_REPO}/trends`)).text();
    const links = [...html.matchAll(/href="(https:\/\/qc\.example\.com:8443\/chart\?[^"]+)"/g)].map(
      (m) => m[1] ?? "",
    );
    expect(links.length).toBe(3);
    const config = new URL(links[0]?.replace(/&amp;/g, "&") ?? "").searchParams.get("c") ?? "";
    expect(config).toContain("end-to-end latency on main");
    const plain = await (await get(`/reports/${PUBLIC_REPO}/trends`)).text();
    expect(plain).not.toContain("/chart?");
  });
});

describe("loadPagesConfig", () => {
  it("reads a full configuration", () => {
    const s = loadPagesConfig({
      REPORTS_SECRET: SECRET,
      GITHUB_OAUTH_CLIENT_ID: "id",
      GITHUB_OAUTH_CLIENT_SECRET: "sec",
      QUICKCHART_URL: "https://quickchart.example.com/",
    });
    expect(s.oauth).toEqual({
      clientId: "id",
      clientSecret: "sec",
      webUrl: "https://github.com",
      apiUrl: "https://api.github.com",
    });
    expect(s.quickChartUrl).toBe("https://quickchart.example.com");
    expect(loadPagesConfig({}).secret).toBeUndefined();
  });

  it.each([
    [{ REPORTS_SECRET: "short" }, /REPORTS_SECRET must be at least 32/],
    [
      { REPORTS_SECRET: SECRET, GITHUB_OAUTH_CLIENT_ID: "id" },
      /GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_CLIENT_SECRET must be set together/,
    ],
    [
      { GITHUB_OAUTH_CLIENT_ID: "id", GITHUB_OAUTH_CLIENT_SECRET: "s" },
      /sign-in needs REPORTS_SECRET/,
    ],
    [{ QUICKCHART_URL: "not a url" }, /QUICKCHART_URL/],
  ])("names the problem in %j", (env, message) => {
    expect(() => loadPagesConfig(env)).toThrow(message);
  });
});
