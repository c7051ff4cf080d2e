import { randomUUID } from "node:crypto";
import { audit } from "./audit.ts";
import { CommitThenThrow } from "../database/session.ts";
import type { AuthDb, Db } from "./db.ts";
import { badRequest } from "./errors.ts";
import { newRefreshToken } from "./secrets.ts";
import type { AmrEntry, TokenSigner } from "./tokens.ts";
import {
  isBanned,
  reloadUser,
  touchLastSignIn,
  userJson,
  findUserById,
  type User,
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

async function amrOf(db: Db, sessionId: string): Promise<AmrEntry[]> {
  const { rows } = await db.query<{ method: string; timestamp: string }>(
    `select authentication_method as method, extract(epoch from updated_at)::bigint as timestamp
       from auth.mfa_amr_claims where session_id = $1 order by updated_at desc`,
    [sessionId],
  );
  return rows.map((row) => ({ method: row.method, timestamp: Number(row.timestamp) }));
}

async function tokenResponse(
  db: Db,
  signer: TokenSigner,
  user: User,
  session: SessionRow,
  refreshToken: string,
): Promise<TokenResponse> {
  const { token, expiresAt } = await signer.sign(user, {
    id: session.id,
    aal: session.aal ?? "aal1",
    amr: await amrOf(db, session.id),
  });
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: expiresAt - Math.floor(Date.now() / 1000),
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
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
  return tokenResponse(db, signer, await reloadUser(db, user), session, refreshToken);
}

interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  parent: string | null;
  session_id: string | null;
  revoked: boolean;
  updated_at: Date;
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

/**
 * The refresh_token grant with GoTrue's rotation rules: the token is swapped for a child; a revoked
 * token whose child is still the session's newest gets that child again (a client that lost the
 * response); any other revoked token is accepted only within the reuse interval, after which the
 * whole session's tokens are revoked and the request fails.
 */
export async function refreshSession(
  authDb: AuthDb,
  signer: TokenSigner,
  token: string,
  options: RefreshOptions,
  client: Client,
): Promise<TokenResponse> {
  return authDb.transaction(async (tx) => {
    const found = await tx.query<RefreshTokenRow>(
      `select * from auth.refresh_tokens where token = $1`,
      [token],
    );
    const row = found.rows[0];
    if (!row)
      throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    const user = await findUserById(tx, row.user_id);
    if (!user)
      throw badRequest("refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
    if (isBanned(user)) throw badRequest("user_banned", "Invalid Refresh Token: User Banned");
    // Locks the session so two refreshes of one token are answered one after the other.
    const sessions = row.session_id
      ? await tx.query<SessionRow>(
          `select id, user_id, aal, not_after, created_at from auth.sessions where id = $1 for update`,
          [row.session_id],
        )
      : { rows: [] as SessionRow[] };
    const session = sessions.rows[0];
    if (!session) {
      await tx.query(`delete from auth.refresh_tokens where id = $1`, [row.id]);
      throw new CommitThenThrow(
        badRequest("session_not_found", "Invalid Refresh Token: No Valid Session Found"),
      );
    }
    if (session.not_after && session.not_after.getTime() < Date.now()) {
      throw badRequest("session_expired", "Invalid Refresh Token: Session Expired");
    }
    const current = (
      await tx.query<RefreshTokenRow>(`select * from auth.refresh_tokens where id = $1`, [row.id])
    ).rows[0]!;
    let issued: string | undefined;
    if (current.revoked) {
      const active = (
        await tx.query<RefreshTokenRow>(
          `select * from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1`,
          [session.id],
        )
      ).rows[0];
      if (active && active.parent === current.token) {
        issued = active.token;
      } else if (Date.now() > current.updated_at.getTime() + options.reuseIntervalSeconds * 1000) {
        if (options.rotation) {
          await tx.query(
            `update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and not revoked`,
            [session.id],
          );
        }
        throw new CommitThenThrow(
          badRequest("refresh_token_already_used", "Invalid Refresh Token: Already Used"),
        );
      }
    }
    await audit(tx, user, "token_refreshed", client.ip);
    if (!issued) {
      await audit(tx, user, "token_revoked", client.ip);
      await tx.query(
        `update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1`,
        [current.id],
      );
      issued = await insertRefreshToken(tx, user.id, session.id, current.token);
    }
    await tx.query(
      `update auth.sessions set refreshed_at = now(), user_agent = $2, ip = $3, updated_at = now() where id = $1`,
      [session.id, client.userAgent, client.ip || null],
    );
    return tokenResponse(tx, signer, await reloadUser(tx, user), session, issued);
  });
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
  return tokenResponse(db, signer, await reloadUser(db, user), rows[0]!, refreshToken);
}
