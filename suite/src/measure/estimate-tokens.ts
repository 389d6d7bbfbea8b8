/**
 * Heuristic token count of a piece of text, used only when the server reports no
 * `usage`, and as weights when reconciling chunk counts with `usage` (see docs/metrics.md).
 * Approximates a BPE tokenizer: a run of ASCII letters is one token per 8 letters (a
 * leading space belongs to the word), a run of digits one token per 3 digits, every other
 * ASCII punctuation character one token, a run of newlines one token, and every non-ASCII
 * UTF-16 code unit one token (CJK is roughly a token per character). Never less than 1 for
 * non-empty text: a server sends a content chunk because it generated at least one token.
 */
export function estimateTokens(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  let tokens = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isLetter(c)) {
      let j = i + 1;
      while (j < n && isLetter(text.charCodeAt(j))) j++;
      tokens += Math.ceil((j - i) / 8);
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      tokens += Math.ceil((j - i) / 3);
      i = j;
    } else if (c === 10) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) === 10) j++;
      tokens += 1;
      i = j;
    } else if (c === 32 || c === 9 || c === 13) {
      i++;
    } else {
      tokens += 1;
      i++;
    }
  }
  return Math.max(1, tokens);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Splits `total` into integer parts proportional to `weights` by the largest-remainder
 * method, each part at least `minEach` when the total allows it. Ties go to the earlier
 * index, so the result is deterministic.
 */
export function apportion(total: number, weights: readonly number[], minEach = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const floor = total >= minEach * n ? minEach : 0;
  const parts = new Array<number>(n).fill(floor);
  const rest = total - floor * n;
  if (rest <= 0) return parts;
  let weightSum = 0;
  for (const w of weights) weightSum += Math.max(0, w);
  const shares = weights.map((w) =>
    weightSum > 0 ? (rest * Math.max(0, w)) / weightSum : rest / n,
  );
  let given = 0;
  for (let i = 0; i < n; i++) {
    const whole = Math.floor(shares[i] ?? 0);
    parts[i] = floor + whole;
    given += whole;
  }
  const order = shares
    .map((s, i) => ({ i, r: s - Math.floor(s) }))
    .sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < rest - given; k++) {
    const slot = order[k % n];
    if (slot !== undefined) parts[slot.i] = (parts[slot.i] ?? 0) + 1;
  }
  return parts;
}

/**
 * Token counts per content chunk. Without usage: the heuristic per chunk. With usage: the
 * counts are made to sum to usage.completion_tokens: every chunk gets 1 and the remaining
 * tokens are spread in proportion to (estimate − 1); when usage is smaller than the number
 * of chunks, the tokens are spread in proportion to the estimates and some chunks carry 0.
 */
export function countChunkTokens(
  texts: readonly string[],
  completionTokens: number | undefined,
): number[] {
  const estimates = texts.map(estimateTokens);
  if (completionTokens === undefined) return estimates;
  if (completionTokens >= texts.length) {
    return apportion(
      completionTokens,
      estimates.map((e) => e - 1),
      1,
    );
  }
  return apportion(completionTokens, estimates, 0);
}
