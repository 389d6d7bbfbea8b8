import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { MlxbenchConfigError, type MlxbenchConfig } from "@mlxbench/proto";
import { defaultConfig, parseConfigYaml } from "@mlxbench/suite/config";

export const CONFIG_FILE = ".mlxbench.yml";

export type RepoConfig =
  | { ok: true; config: MlxbenchConfig; found: boolean }
  | { ok: false; error: MlxbenchConfigError; problems: ConfigProblemView[] };

/** One problem of the file, with the offending line quoted, ready for a check run. */
export interface ConfigProblemView {
  message: string;
  line?: number;
  /** The line's text. */
  quote?: string;
}

/**
 * Reads `.mlxbench.yml` of a checkout; a missing file means the defaults, an invalid one gives
 * every problem with its line.
 */
export async function readRepoConfig(dir: string): Promise<RepoConfig> {
  let text: string;
  try {
    text = await readFile(join(dir, CONFIG_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      return { ok: true, config: defaultConfig(), found: false };
    throw err;
  }
  try {
    return { ok: true, config: parseConfigYaml(text, CONFIG_FILE), found: true };
  } catch (err) {
    if (!(err instanceof MlxbenchConfigError)) throw err;
    const lines = text.split("\n");
    const problems = err.problems.map((p): ConfigProblemView => {
      const path = p.path.length
        ? `${p.path
            .map((x) => (typeof x === "number" ? `[${x}]` : x))
            .join(".")
            .replace(/\.\[/g, "[")}: `
        : "";
      const quote = p.line !== undefined ? lines[p.line - 1]?.trimEnd() : undefined;
      return {
        message: `${path}${p.message}`,
        ...(p.line !== undefined ? { line: p.line } : {}),
        ...(quote !== undefined ? { quote } : {}),
      };
    });
    return { ok: false, error: err, problems };
  }
}

/** The problems as Markdown: each with its line number and the line quoted. */
export function describeConfigProblems(problems: readonly ConfigProblemView[]): string {
  return problems
    .map(
      (p) =>
        `- ${p.line !== undefined ? `line ${p.line}: ` : ""}${p.message}${p.quote !== undefined ? `\n\n  \`\`\`yaml\n  ${p.quote}\n  \`\`\`` : ""}`,
    )
    .join("\n");
}
