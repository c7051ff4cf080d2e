import type { JWTPayload } from "jose";
import type { AuthContext } from "../context.ts";
import { AuthError, badRequest, forbidden } from "../errors.ts";
import { findSession, type SessionRow } from "../sessions.ts";
import { findUserById, isBanned, type User } from "../users.ts";
import { uuidPattern } from "../../database/session.ts";
import { bearerToken } from "../../http/credentials.ts";
import type { AuthRequest } from "./request.ts";

/** GoTrue treats these JWT roles as administrators of the auth API. */
const adminRoles = ["service_role", "supabase_admin"];

/** GoTrue reads the Authorization the client sent; the router forwards no apikey to auth. */
async function verifiedClaims(ctx: AuthContext, r: AuthRequest): Promise<JWTPayload> {
  const token = bearerToken(r.req);
  if (!token)
    throw new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token");
  return ctx.signer.verify(token);
}

export interface SignedIn {
  user: User;
  /** Absent for tokens without a session_id, such as ones minted by hand. */
  session: SessionRow | undefined;
  claims: JWTPayload;
}

/** GoTrue's requireAuthentication: a valid token whose user and session still exist. */
export async function requireUser(ctx: AuthContext, r: AuthRequest): Promise<SignedIn> {
  const claims = await verifiedClaims(ctx, r);
  const sub = claims.sub;
  if (!sub) throw forbidden("bad_jwt", "invalid claim: missing sub claim");
  if (!uuidPattern.test(sub))
    throw badRequest("bad_jwt", "invalid claim: sub claim must be a UUID");
  const user = await findUserById(ctx.db.pool, sub);
  if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
  let session: SessionRow | undefined;
  const sessionId = claims.session_id;
  if (
    typeof sessionId === "string" &&
    sessionId &&
    sessionId !== "00000000-0000-0000-0000-000000000000"
  ) {
    if (!uuidPattern.test(sessionId))
      throw forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID");
    session = await findSession(ctx.db.pool, sessionId);
    if (!session)
      throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
  }
  if (isBanned(user)) throw forbidden("user_banned", "User is banned");
  return { user, session, claims };
}

/** The admin API is for the service role only. */
export async function requireAdmin(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const claims = await verifiedClaims(ctx, r);
  if (typeof claims.role !== "string" || !adminRoles.includes(claims.role))
    throw forbidden("not_admin", "User not allowed");
}
