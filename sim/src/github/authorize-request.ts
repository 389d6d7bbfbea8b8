import type { IncomingMessage } from "node:http";
import { verify } from "node:crypto";
import type { DoubleState } from "./double-state.js";
import type { MatchedOperation } from "./validate-request.js";

/** App endpoints need the app's JWT; repository endpoints an installation token with access. */
export function authorizeRequest(
  state: DoubleState,
  req: IncomingMessage,
  matched: MatchedOperation,
): { status: number; reason: string } | undefined {
  const header = req.headers.authorization ?? "";
  const [scheme, credential = ""] = header.split(" ");
  if (matched.operation.pathTemplate.startsWith("/app")) {
    if (scheme?.toLowerCase() !== "bearer")
      return { status: 401, reason: "app endpoints need a JWT (Bearer)" };
    const problem = verifyJwt(state, credential);
    return problem ? { status: 401, reason: `bad JWT: ${problem}` } : undefined;
  }
  const grant = state.tokens.get(credential);
  if (!grant || grant.expiresAt < Date.now()) {
    return { status: 401, reason: "repository endpoints need a valid installation token" };
  }
  const { owner, repo } = matched.pathParams;
  if (owner !== undefined && repo !== undefined) {
    const inst = state.installations.get(grant.installationId);
    if (!inst?.repos.has(`${owner}/${repo}`.toLowerCase())) {
      return {
        status: 404,
        reason: `installation ${grant.installationId} has no access to ${owner}/${repo}`,
      };
    }
  }
  return undefined;
}

function verifyJwt(state: DoubleState, jwt: string): string | undefined {
  const [h, p, s] = jwt.split(".");
  if (h === undefined || p === undefined || s === undefined) return "not three parts";
  const ok = verify(
    "RSA-SHA256",
    Buffer.from(`${h}.${p}`),
    state.publicKey,
    Buffer.from(s, "base64url"),
  );
  if (!ok) return "signature does not verify with the app's key";
  const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as {
    iss?: unknown;
    exp?: unknown;
  };
  if (String(claims.iss) !== String(state.appId))
    return `iss ${String(claims.iss)} is not app ${state.appId}`;
  if (typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return "expired";
  return undefined;
}
