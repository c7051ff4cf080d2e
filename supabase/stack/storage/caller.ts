import type { IncomingMessage } from "node:http";
import { bearerToken } from "../http/credentials.ts";
import { JwtRejected, verifyJwt, type VerificationKeys } from "../http/jwt.ts";
import type { Caller } from "./db.ts";
import { errors } from "./errors.ts";

const anonymous: Caller = {
  role: "anon",
  claims: { role: "anon" },
  owner: undefined,
  isAuthenticated: false,
};

/**
 * The caller of a storage request: the bearer token (the router forwards the apikey as one when
 * there is none); storage-api verifies it with jose and answers a missing or bad token with
 * AccessDenied and jose's message, except on the routes that also serve public buckets, where the
 * caller falls back to anon.
 */
export async function callerOf(
  req: IncomingMessage,
  keys: VerificationKeys,
  options: { allowAnonymous: boolean },
): Promise<Caller> {
  const token = bearerToken(req) ?? "";
  if (!token && options.allowAnonymous) return anonymous;
  try {
    const claims = await verifyJwt(token, keys);
    const role = typeof claims.role === "string" && claims.role ? claims.role : "anon";
    return {
      role,
      claims,
      owner: typeof claims.sub === "string" ? claims.sub : undefined,
      isAuthenticated: true,
    };
  } catch (error) {
    if (!(error instanceof JwtRejected)) throw error;
    if (options.allowAnonymous) return anonymous;
    throw errors.accessDenied(error.message);
  }
}
