/**
 * The Function URL's own address, taken from a request: the function cannot be told its URL at
 * deploy time without a dependency cycle (the URL is created after the function).
 */
export function publicUrlFromEvent(event: unknown): string | undefined {
  const ctx = (event as { requestContext?: { domainName?: unknown } } | null | undefined)
    ?.requestContext;
  const domain = ctx?.domainName;
  return typeof domain === "string" && /^[A-Za-z0-9.-]+$/.test(domain)
    ? `https://${domain}`
    : undefined;
}
