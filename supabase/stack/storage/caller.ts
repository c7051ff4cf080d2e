import type { IncomingMessage } from "node:http";
import { AuthFailure, requestToken, verifyJwt } from "../gateway/jwt.ts";
import type { Caller } from "./db.ts";
import { errors } from "./errors.ts";

const anonymous: Caller = { role: "anon", claims: { role: "anon" }, owner: undefined, isAuthenticated: false };

/**
 * The caller of a storage request. Supabase's local gateway forwards `Authorization`, or the
 * `apikey` as a bearer token when there is none; storage-api verifies it and answers a missing or
 * bad token with AccessDenied, except on the routes that also serve public buckets, where the
 * caller falls back to anon.
 */
export async function callerOf(req: IncomingMessage, jwtSecret: string, options: { allowAnonymous: boolean }): Promise<Caller> {
  const apikey = req.headers.apikey;
  const token = requestToken(req, (Array.isArray(apikey) ? apikey[0] : apikey) ?? "");
  if (!token && options.allowAnonymous) return anonymous;
  try {
    const claims = await verifyJwt(token, jwtSecret);
    const role = typeof claims.role === "string" && claims.role ? claims.role : "anon";
    return { role, claims, owner: typeof claims.sub === "string" ? claims.sub : undefined, isAuthenticated: true };
  } catch (error) {
    if (!(error instanceof AuthFailure)) throw error;
    if (options.allowAnonymous) return anonymous;
    throw errors.accessDenied(error.message);
  }
}
