import { describe, expect, it } from "vitest";
import { countContradictions, findLinks, visibleLines } from "./read-comment.js";

const row = (interval: string, threshold: string, words: string): string =>
  `| \`m\` | 1 ms | 2 ms | +1.0 % ↑ worse | ${interval} | ${threshold} | — | 3 vs 3 | ${words} |`;

describe("reading a rendered comment", () => {
  it.each([
    [row("[−5.0, +5.0]", "±5 %", "⚪ unchanged"), 0],
    [row("[−5.0, +5.1]", "±5 %", "⚪ unchanged"), 1],
    [row("[+56.4, +94.4]", "±5 %", "⚪ unchanged"), 1],
    [row("[−26.8, −18.3]", "±5 %", "🟡 not decided (n=3 vs 30 needed)"), 1],
    [row("[+5.0, +9.0]", "±5 %", "🟡 not decided (n=3 vs 30 needed)"), 0],
    [row("[+23.0, +37.0] (6 A/B pairs)", "±5 %", "🔴 regressed"), 0],
  ])("counts %s as %i contradiction(s)", (line, n) => {
    expect(countContradictions(line)).toBe(n);
  });

  it("counts a collapsed block as its summary line and finds every link", () => {
    const md =
      "first\n\n[run](https://x/run)\n<details><summary>3 more</summary>\n\na\nb\n[t](https://x/t)\n</details>\nlast\n";
    expect(visibleLines(md)).toBe(5);
    expect(findLinks(md)).toEqual(["https://x/run", "https://x/t"]);
  });
});
