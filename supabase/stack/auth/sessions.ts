import { randomUUID } from "node:crypto";
import { auditPayload } from "./audit.ts";
import type { AuthDb, Db } from "./db.ts";
import { badRequest } from "./errors.ts";
import { newRefreshToken } from "./secrets.ts";
import type { AmrEntry, TokenSigner } from "./tokens.ts";
import {
  isBanned,
  reloadUser,
  touchLastSignIn,
  userColumnsSql,
  userFromRow,
  userJson,
  type User,
  type UserColumns,
} from "./users.ts";

/** How a session was started, as GoTrue names it in the `amr` claim. */
export type AuthMethod =
  | "password"
  | "otp"
  | "oauth"
  | "magiclink"
  | "recovery"
  | "invite"
  | "email/signup"
  | "email_change"
  | "anonymous";

/** Where a request came from, recorded on the session as GoTrue does. */
export interface Client {
  ip: string;
  userAgent: string | null;
}

export interface SessionRow {
  id: string;
  user_id: string;
  aal: string | null;
  not_after: Date | null;
  created_at: Date;
}

/** GoTrue's token response: the body of /token, /verify and of signup when no confirmation is needed. */
export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown>;
  weak_password?: unknown;
}

/** The session's `amr` claim, newest method first, as a JSON array of AmrEntry. */
const amrSql = (sessionId: string) => `array(
  select json_build_object('method', c.authentication_method,
                           'timestamp', extract(epoch from c.updated_at)::bigint)
    from auth.mfa_amr_claims c where c.session_id = ${sessionId} order by c.updated_at desc)`;

async function amrOf(db: Db, sessionId: string): Promise<AmrEntry[]> {
  const { rows } = await db.query<{ amr: AmrEntry[] }>(`select ${amrSql("$1")} as amr`, [
    sessionId,
  ]);
  return rows[0]!.amr;
}

/** The token response around an access token already signed for `user`. */
function tokenBody(
  accessToken: { token: string; expiresAt: number },
  user: User,
  refreshToken: string,
): TokenResponse {
  return {
    access_token: accessToken.token,
    token_type: "bearer",
    expires_in: accessToken.expiresAt - Math.floor(Date.now() / 1000),
    expires_at: accessToken.expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}

async function tokenResponse(
  signer: TokenSigner,
  user: User,
  session: SessionRow,
  amr: AmrEntry[],
  refreshToken: string,
): Promise<TokenResponse> {
  const accessToken = await signer.sign(user, { id: session.id, aal: session.aal ?? "aal1", amr });
  return tokenBody(accessToken, user, refreshToken);
}

async function insertRefreshToken(
  db: Db,
  userId: string,
  sessionId: string,
  parent: string | null,
): Promise<string> {
  const token = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, parent, session_id, revoked, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, $3, $4, false, now(), now())`,
    [token, userId, parent, sessionId],
  );
  await touchLastSignIn(db, userId);
  return token;
}

/** Starts a session: a row in auth.sessions, its first refresh token, the `amr` entry and an access token. */
export async function startSession(
  db: Db,
  signer: TokenSigner,
  user: User,
  method: AuthMethod,
  client: Client,
): Promise<TokenResponse> {
  const session: SessionRow = {
    id: randomUUID(),
    user_id: user.id,
    aal: "aal1",
    not_after: null,
    created_at: new Date(),
  };
  await db.query(
    `insert into auth.sessions (id, user_id, aal, user_agent, ip, created_at, updated_at) values ($1, $2, 'aal1', $3, $4, now(), now())`,
    [session.id, user.id, client.userAgent, client.ip || null],
  );
  const refreshToken = await insertRefreshToken(db, user.id, session.id, null);
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, authentication_method, created_at, updated_at) values ($1, $2, $3, now(), now())
     on conflict (session_id, authentication_method) do update set updated_at = now()`,
    [randomUUID(), session.id, method],
  );
  return tokenResponse(
    signer,
    await reloadUser(db, user),
    session,
    await amrOf(db, session.id),
    refreshToken,
  );
}

export interface RefreshOptions {
  rotation: boolean;
  reuseIntervalSeconds: number;
}

/** A 12-character token is the only kind the stack issues; anything else is refused before a lookup. */
export function validateRefreshTokenShape(token: unknown): string {
  if (typeof token !== "string" || token.length < 12 || !/^[a-z0-9]{12}$/.test(token)) {
    throw badRequest("validation_failed", "Refresh token is not valid");
  }
  return token;
}

/** What the refresh grant reads before it writes: the token's user, its session and their `amr`. */
type RefreshLookup = UserColumns & {
  session_found: string | null;
  session_aal: string | null;
  session_not_after: Date | null;
  session_amr: AmrEntry[];
};

/** Named, so that each connection parses and plans it once. */
const refreshLookup = {
  name: "auth-refresh-lookup",
  text: `select ${userColumnsSql},
                s.id as session_found, s.aal as session_aal,
                s.not_after as session_not_after,
                ${amrSql("s.id")} as session_amr
           from auth.refresh_tokens rt
           join auth.users u on u.id = rt.user_id::uuid
           left join auth.sessions s on s.id = rt.session_id
          where rt.token = $1`,
};

const refreshSwap = {
  name: "auth-refresh-swap",
  text: `select outcome, issued, user_updated_at
           from pitlane_stack.refresh_token_swap($1, $2, $3, $4, $5, $6, $7, $8)`,
};

const refreshTokenNotFound = () =>
  badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");

/**
 * The refresh_token grant with GoTrue's rules, in GoTrue's two steps and in two round trips. First
 * the checks, outside a transaction: the token exists, its user is not banned, its session exists
 * (a token without one is deleted) and has not passed not_after. Then the swap, one function call
 * (platform/010_auth_refresh.sql) that locks the session and applies the rotation rules: the token
 * is swapped for a child; a revoked token whose child is still the session's newest gets that child
 * again (a client that lost the response); any other revoked token is accepted only within the
 * reuse interval, after which the session's tokens are all revoked (with rotation on) and the
 * request fails.
 */
export async function refreshSession(
  authDb: AuthDb,
  signer: TokenSigner,
  token: string,
  options: RefreshOptions,
  client: Client,
): Promise<TokenResponse> {
  const found = (await authDb.pool.query<RefreshLookup>({ ...refreshLookup, values: [token] }))
    .rows[0];
  if (!found) throw refreshTokenNotFound();
  const { session_found, session_aal, session_not_after, session_amr, ...userColumns } = found;
  const user = userFromRow(userColumns);
  if (isBanned(user)) throw badRequest("user_banned", "Invalid Refresh Token: User Banned");
  // A token from before GoTrue had sessions; a session's own tokens go with it (on delete cascade).
  if (!session_found) {
    await authDb.pool.query(`delete from auth.refresh_tokens where token = $1`, [token]);
    throw badRequest("session_not_found", "Invalid Refresh Token: No Valid Session Found");
  }
  if (session_not_after && session_not_after.getTime() < Date.now()) {
    throw badRequest("session_expired", "Invalid Refresh Token: Session Expired");
  }

  const swap = authDb.pool.query<{
    outcome: "ok" | "refresh_token_not_found" | "refresh_token_already_used";
    issued: string | null;
    user_updated_at: Date | null;
  }>({
    ...refreshSwap,
    values: [
      token,
      newRefreshToken(),
      options.rotation,
      options.reuseIntervalSeconds,
      client.ip,
      client.userAgent,
      auditPayload(user, "token_refreshed"),
      auditPayload(user, "token_revoked"),
    ],
  });
  // The access token's claims are all known from the lookup, so it is signed while PostgreSQL runs
  // the swap rather than after it: pg writes the query on the next tick and setImmediate runs after
  // that, so the signing (tens of µs for HS256, more for ES256) overlaps the round trip instead of
  // adding to each refresh's latency. A refused swap wastes the signature; nothing is sent.
  const signing = new Promise((resolve) => setImmediate(resolve)).then(() =>
    signer.sign(user, { id: session_found, aal: session_aal ?? "aal1", amr: session_amr }),
  );
  const [swapped, accessToken] = await Promise.all([swap, signing]);
  const { outcome, issued, user_updated_at } = swapped.rows[0]!;
  if (outcome === "refresh_token_not_found") throw refreshTokenNotFound();
  if (outcome === "refresh_token_already_used")
    throw badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used");
  return tokenBody(
    accessToken,
    user_updated_at ? { ...user, updated_at: user_updated_at } : user,
    issued!,
  );
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return (
    await db.query<SessionRow>(
      `select id, user_id, aal, not_after, created_at from auth.sessions where id = $1`,
      [id],
    )
  ).rows[0];
}

/** Deleting sessions deletes their refresh tokens too (the foreign key cascades), as GoTrue relies on. */
export async function endSessions(
  db: Db,
  userId: string,
  scope: "global" | "local" | "others",
  sessionId: string | undefined,
): Promise<void> {
  if (scope === "local" && sessionId)
    await db.query(`delete from auth.sessions where id = $1`, [sessionId]);
  else if (scope === "others" && sessionId)
    await db.query(`delete from auth.sessions where user_id = $1 and id <> $2`, [
      userId,
      sessionId,
    ]);
  else await db.query(`delete from auth.sessions where user_id = $1`, [userId]);
}

/**
 * GoTrue's updateMFASessionAndClaims after a verified factor: the method joins the session's `amr`,
 * the session becomes aal2 with the factor, and its current refresh token is swapped for a child
 * (GrantRefreshTokenSwap), so the answer is a new session pair carrying the new claims.
 */
export async function upgradeSession(
  db: Db,
  signer: TokenSigner,
  user: User,
  sessionId: string,
  factorId: string,
  method: "totp",
): Promise<TokenResponse> {
  await db.query(
    `insert into auth.mfa_amr_claims (id, session_id, authentication_method, created_at, updated_at) values ($1, $2, $3, now(), now())
     on conflict (session_id, authentication_method) do update set updated_at = now()`,
    [randomUUID(), sessionId, method],
  );
  const { rows } = await db.query<SessionRow>(
    `update auth.sessions set aal = 'aal2', factor_id = $2, updated_at = now() where id = $1
     returning id, user_id, aal, not_after, created_at`,
    [sessionId, factorId],
  );
  const { rows: current } = await db.query<{ token: string }>(
    `update auth.refresh_tokens set revoked = true, updated_at = now()
      where id = (select id from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1)
      returning token`,
    [sessionId],
  );
  const refreshToken = await insertRefreshToken(db, user.id, sessionId, current[0]?.token ?? null);
  return tokenResponse(
    signer,
    await reloadUser(db, user),
    rows[0]!,
    await amrOf(db, sessionId),
    refreshToken,
  );
}
