import { readFile } from "node:fs/promises";
import { Fingerprint } from "@mlxbench/proto";
import { HistoryImportError } from "@mlxbench/archive";

export /** The fingerprint of a run_result.json, a meta.json, or a bare fingerprint object. */
async function readFingerprint(path: string, shown: string): Promise<Fingerprint> {
  const bad = (why: string): HistoryImportError =>
    new HistoryImportError(`--fingerprint-from ${shown}: ${why}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw bad((err as Error).message);
  }
  const candidate =
    typeof raw === "object" && raw !== null && "fingerprint" in raw ? raw.fingerprint : raw;
  const parsed = Fingerprint.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(
      `no fingerprint (expected a run_result.json of the suite, a run's meta.json or a fingerprint; ${
        issue ? `${issue.path.map(String).join(".") || "fingerprint"}: ${issue.message}` : "invalid"
      })`,
    );
  }
  return parsed.data;
}
