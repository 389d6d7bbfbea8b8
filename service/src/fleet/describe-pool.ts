/** How long ago, in the words a check run shows: "just now", "12 min ago", "2 h ago", "3 d ago". */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export type PoolVerdict =
  | { kind: "ready" }
  | { kind: "waiting"; title: string; summary: string }
  | { kind: "unknown"; title: string; summary: string };

/** What a new job's check run says about its pool before a runner takes it. */
export function describePool(
  label: string,
  runnersOnline: number,
  lastSeen: ReadonlyMap<string, number>,
  now: number,
): PoolVerdict {
  const seen = lastSeen.get(label);
  if (seen === undefined) {
    const known = [...lastSeen.keys()].sort();
    return {
      kind: "unknown",
      title: `No runner pool labelled ${label}`,
      summary:
        `\`runs-on\` names \`${label}\`, but no runner has ever served that label. ` +
        (known.length
          ? `Labels that exist: ${known.map((l) => `\`${l}\``).join(", ")}.`
          : "No runner has registered yet.") +
        " See docs/install.md, Runner pools.",
    };
  }
  if (runnersOnline > 0) return { kind: "ready" };
  return {
    kind: "waiting",
    title: `Waiting for a runner labelled ${label}`,
    summary: `Waiting for a runner labelled ${label}; last seen ${formatAgo(now - seen)}. The run starts when one comes back.`,
  };
}
