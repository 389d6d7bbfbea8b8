/** Whether a GitHub error says the installation no longer exists (its token cannot be made). */
export function isInstallationGone(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { status?: unknown; request?: { url?: unknown } };
  return (
    e.status === 404 &&
    typeof e.request?.url === "string" &&
    e.request.url.includes("/access_tokens")
  );
}
