import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("npm run service", () => {
  it("exits 2 naming every missing variable, without a stack trace", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", MAIN], {
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    for (const name of ["WEBHOOK_SECRET", "GITHUB_APP_ID", "GITHUB_PRIVATE_KEY", "PUBLIC_URL"]) {
      expect(run.stderr).toContain(name);
    }
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
