/** GitHub's limits (Checks API and issue comments), in characters. */
export const LIMITS = {
  checkTitle: 255,
  checkSummary: 65_535,
  checkText: 65_535,
  annotationsPerRequest: 50,
  actions: 3,
  actionLabel: 20,
  actionDescription: 40,
  actionIdentifier: 20,
  commentBody: 65_536,
} as const;

/**
 * Cuts `text` to at most `max` characters (UTF-16 code units, as GitHub counts), ending with
 * `note` when cut, and never splitting a surrogate pair.
 */
export function truncateText(text: string, max: number, note = "\n\n… (truncated)"): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - note.length);
  let cut = text.slice(0, room);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return (cut + note).slice(0, max);
}

/** One line, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  return truncateText(text.replace(/\s+/g, " ").trim(), max, "…");
}
