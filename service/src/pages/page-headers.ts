import { secureHeaders } from "hono/secure-headers";

/**
 * The pages' security headers. CSP with no script source at all: the pages work without
 * JavaScript and an injected tag could not run.
 */
export const pageHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      imgSrc: ["'self'", "data:"],
      styleSrc: ["'unsafe-inline'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
  });

/**
 * Archived artifacts (HTML reports among them) open sandboxed: never with the pages' origin and
 * cookies. A sandboxed document has an opaque origin, so a same-origin resource policy would
 * block the report's own images: it is left off here.
 */
export const fileHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      sandbox: [],
      defaultSrc: ["'none'"],
      imgSrc: ["'self'", "data:"],
      styleSrc: ["'unsafe-inline'"],
    },
    referrerPolicy: "same-origin",
    crossOriginResourcePolicy: false,
  });
