import { MAX_CONFIRMATION_PAIRS, MIN_CONFIRMATION_PAIRS } from "@mlxbench/proto";

/** What a `/benchmark …` comment asks for. */
export type BenchmarkCommand =
  | { kind: "help" }
  | {
      kind: "run";
      quick: boolean;
      /** True when the comment named `quick` or `full`; otherwise the repository's config decides. */
      quickExplicit: boolean;
      iterations?: number;
      skipCommunication: boolean;
      compareRef?: string;
      /** `confirm [pairs]`: the paired A/B/B/A confirmation after the screen, whatever it says. */
      confirm?: { pairs?: number };
    }
  | { kind: "invalid"; problem: string };

export const BENCHMARK_USAGE =
  "`/benchmark [quick|full] [confirm [pairs]] [--iterations N] [--skip-communication] [--compare <ref>]` or `/benchmark help`";

const MAX_ITERATIONS = 10_000;
// git check-ref-format, loosely: no spaces, no "..", no control characters, ≤ 255.
const REF = /^(?!.*\.\.)(?!\/)[A-Za-z0-9._\-/@^~]{1,255}$/;

/**
 * Parses the first line of a comment. Undefined when it is not a `/benchmark` command at all,
 * so ordinary comments mentioning the word are left alone.
 */
export function parseBenchmarkCommand(body: string): BenchmarkCommand | undefined {
  const firstLine = body.trimStart().split(/\r?\n/, 1)[0] ?? "";
  const words = firstLine.trim().split(/\s+/);
  if (words[0] !== "/benchmark") return undefined;
  let mode: "quick" | "full" | undefined;
  let iterations: number | undefined;
  let compareRef: string | undefined;
  let skipCommunication = false;
  let confirm: { pairs?: number } | undefined;
  const rest = words.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? "";
    const [flag, inlineValue] =
      word.startsWith("--") && word.includes("=") ? splitOnce(word, "=") : [word, undefined];
    const takeValue = (): string | undefined => inlineValue ?? rest[++i];
    switch (flag) {
      case "help":
      case "--help":
        return { kind: "help" };
      case "quick":
      case "full":
        if (mode !== undefined && mode !== flag) {
          return { kind: "invalid", problem: "`quick` and `full` cannot be combined: choose one" };
        }
        mode = flag;
        break;
      case "--iterations": {
        const value = takeValue();
        if (
          value === undefined ||
          !/^\d+$/.test(value) ||
          Number(value) < 1 ||
          Number(value) > MAX_ITERATIONS
        ) {
          return {
            kind: "invalid",
            problem: `\`--iterations\` needs a whole number from 1 to ${MAX_ITERATIONS}, got ${value === undefined ? "nothing" : `\`${value}\``}`,
          };
        }
        iterations = Number(value);
        break;
      }
      case "confirm": {
        // An optional count right after it: `confirm 8`; any other word is read as usual.
        const next = rest[i + 1];
        if (next === undefined || !/^\d+$/.test(next)) {
          confirm = {};
          break;
        }
        i++;
        const pairs = Number(next);
        // As `.mlxbench.yml`'s confirmation.pairs; the repository's max_pairs still clamps it.
        if (pairs < MIN_CONFIRMATION_PAIRS || pairs > MAX_CONFIRMATION_PAIRS)
          return {
            kind: "invalid",
            problem: `\`confirm\` takes a number of A/B pairs from ${MIN_CONFIRMATION_PAIRS} (fewer cannot decide reliably) to ${MAX_CONFIRMATION_PAIRS}, got \`${next}\``,
          };
        confirm = { pairs };
        break;
      }
      case "--skip-communication":
        skipCommunication = true;
        break;
      case "--compare": {
        const value = takeValue();
        if (value === undefined || !REF.test(value)) {
          return {
            kind: "invalid",
            problem: `\`--compare\` needs a git ref (branch, tag or SHA), got ${value === undefined ? "nothing" : `\`${value}\``}`,
          };
        }
        compareRef = value;
        break;
      }
      default:
        return { kind: "invalid", problem: `unknown option \`${flag}\`` };
    }
  }
  return {
    kind: "run",
    quick: mode !== "full",
    quickExplicit: mode !== undefined,
    skipCommunication,
    ...(iterations === undefined ? {} : { iterations }),
    ...(compareRef === undefined ? {} : { compareRef }),
    ...(confirm === undefined ? {} : { confirm }),
  };
}

function splitOnce(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return [s.slice(0, at), s.slice(at + 1)];
}
