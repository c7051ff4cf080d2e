/**
 * The refresh_token grant's rules, as GoTrue applies them: rotation, the client that lost a
 * response, the reuse interval (GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, 10 s in the shared
 * stack's config), the session's tokens all revoked on a reuse after it, and the refusals with their
 * codes. Time is moved by backdating rows, never by waiting.
 */
import type { AuthChangeEvent } from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClient } from "../../supabase/stack/database/connection.ts";
import type { SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import {
  authFetch,
  signedInClient,
  spawnStackWithConfig,
  type AuthTarget,
} from "../helpers/auth.ts";
import { createUser, sql, stack } from "../helpers/db.ts";

const refresh = (token: string, target: AuthTarget = stack(), userAgent = "refresh-tests/1") =>
  authFetch(
    "/token?grant_type=refresh_token",
    {
      method: "POST",
      json: { refresh_token: token },
      headers: { "user-agent": userAgent },
    },
    target,
  );

/** A signed-in user's first refresh token and session. */
async function signIn() {
  const user = await createUser();
  const client = await signedInClient(user);
  const session = (await client.auth.getSession()).data.session!;
  return {
    user,
    client,
    token: session.refresh_token,
    sessionId: decodeJwt(session.access_token).session_id as string,
  };
}

const tokensOf = (sessionId: string) =>
  sql<{ token: string; parent: string | null; revoked: boolean }>(
    `select token, parent, revoked from auth.refresh_tokens where session_id = $1 order by id`,
    [sessionId],
  );

const auditActions = (userId: string) =>
  sql<{ action: string }>(
    `select payload->>'action' as action from auth.audit_log_entries
      where payload->>'actor_id' = $1 and payload->>'log_type' = 'token' order by created_at, payload->>'action'`,
    [userId],
  ).then((rows) => rows.map((row) => row.action));

/** Moves a token's last change `seconds` into the past, as if that much time had gone by. */
const age = (token: string, seconds: number) =>
  sql(
    `update auth.refresh_tokens set updated_at = updated_at - make_interval(secs => $2) where token = $1`,
    [token, seconds],
  );

describe("refresh token rotation", () => {
  it("swaps the token for a child, revokes it, audits both and records the refresh on the session", async () => {
    const { user, client, token, sessionId } = await signIn();
    const events: AuthChangeEvent[] = [];
    client.auth.onAuthStateChange((event) => {
      events.push(event);
    });
    const [before] = await sql(`select last_sign_in_at, updated_at from auth.users where id = $1`, [
      user.id,
    ]);

    const { data, error } = await client.auth.refreshSession();
    expect(error).toBeNull();
    expect(events).toContain("TOKEN_REFRESHED");
    const child = data.session!.refresh_token;
    expect(child).toMatch(/^[a-z2-7]{12}$/);
    expect(child).not.toBe(token);
    expect(decodeJwt(data.session!.access_token)).toMatchObject({
      sub: user.id,
      session_id: sessionId,
      aal: "aal1",
      amr: [{ method: "password", timestamp: expect.any(Number) }],
    });
    expect(data.user).toMatchObject({ id: user.id, email: user.email });
    expect(data.user!.identities).toEqual([
      expect.objectContaining({
        provider: "email",
        user_id: user.id,
        created_at: expect.any(String),
      }),
    ]);

    expect(await tokensOf(sessionId)).toEqual([
      { token, parent: null, revoked: true },
      { token: child, parent: token, revoked: false },
    ]);
    expect(await auditActions(user.id)).toEqual(["token_refreshed", "token_revoked"]);
    // GoTrue writes the user's last_sign_in_at back unchanged on a refresh; updated_at moves.
    const [after] = await sql(`select last_sign_in_at, updated_at from auth.users where id = $1`, [
      user.id,
    ]);
    expect(after!.last_sign_in_at).toEqual(before!.last_sign_in_at);
    expect(after!.updated_at.getTime()).toBeGreaterThan(before!.updated_at.getTime());
    expect(new Date(data.user!.updated_at!)).toEqual(after!.updated_at);
  });

  it("records the client's address and user agent on the session", async () => {
    const { token, sessionId } = await signIn();
    expect((await refresh(token, stack(), "refresh-tests/2")).status).toBe(200);
    const [session] = await sql(
      `select host(ip) as ip, user_agent, refreshed_at from auth.sessions where id = $1`,
      [sessionId],
    );
    expect(session).toMatchObject({
      ip: "127.0.0.1",
      user_agent: "refresh-tests/2",
      refreshed_at: expect.any(Date),
    });
  });

  it("gives a client that lost the response the same child, without a new token", async () => {
    const { user, token, sessionId } = await signIn();
    const first = await refresh(token);
    // Long after the reuse interval: the child is still the session's newest, so it is given again.
    await age(token, 3600);
    const again = await refresh(token);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.refresh_token).toBe(first.body.refresh_token);
    expect(await tokensOf(sessionId)).toHaveLength(2);
    expect(await auditActions(user.id)).toEqual([
      "token_refreshed",
      "token_revoked",
      "token_refreshed",
    ]);
  });

  it("answers concurrent refreshes of one token with one child", async () => {
    const { token, sessionId } = await signIn();
    // The token's row is held locked until every refresh has reached the database and waits, so
    // that all of them are under way at once, whatever the machine's speed.
    const answers = await withClient(stack().dbUrl, async (holder) => {
      await holder.query("begin");
      await holder.query(`select 1 from auth.refresh_tokens where token = $1 for update`, [token]);
      const pending = Array.from({ length: 5 }, () => refresh(token));
      for (let waiting = 0; waiting < 5;) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [row] = await sql<{ count: number }>(
          `select count(*)::int as count from pg_stat_activity
            where wait_event_type = 'Lock' and query like '%refresh_token_swap%'`,
        );
        waiting = row!.count;
      }
      await holder.query("commit");
      return Promise.all(pending);
    });
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const children = new Set(answers.map((answer) => answer.body.refresh_token));
    expect(children.size).toBe(1);
    expect(await tokensOf(sessionId)).toEqual([
      { token, parent: null, revoked: true },
      { token: [...children][0], parent: token, revoked: false },
    ]);
  });
});

describe("the reuse interval", () => {
  it("within it, swaps an older revoked token for a new child and leaves the others alone", async () => {
    const { token: a, sessionId } = await signIn();
    const b = (await refresh(a)).body.refresh_token as string;
    const c = (await refresh(b)).body.refresh_token as string;
    // a was revoked a moment ago; its child b is no longer the newest.
    const reused = await refresh(a);
    expect(reused.status).toBe(200);
    const d = reused.body.refresh_token as string;
    expect([a, b, c]).not.toContain(d);
    expect(await tokensOf(sessionId)).toEqual([
      { token: a, parent: null, revoked: true },
      { token: b, parent: a, revoked: true },
      { token: c, parent: b, revoked: false },
      { token: d, parent: a, revoked: false },
    ]);
  });

  it("after it, refuses the token and revokes every token of the session, and only that session", async () => {
    const { user, token: a, sessionId } = await signIn();
    const other = await signedInClient(user);
    const otherSession = decodeJwt((await other.auth.getSession()).data.session!.access_token)
      .session_id as string;
    const b = (await refresh(a)).body.refresh_token as string;
    const c = (await refresh(b)).body.refresh_token as string;
    await age(a, 11);
    const audited = await auditActions(user.id);

    const reused = await refresh(a);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({
      code: 400,
      error_code: "refresh_token_already_used",
      msg: "Invalid Refresh Token: Already Used",
    });
    // Kept although the request failed: whoever holds c must sign in again.
    expect(await tokensOf(sessionId)).toEqual([
      { token: a, parent: null, revoked: true },
      { token: b, parent: a, revoked: true },
      { token: c, parent: b, revoked: true },
    ]);
    expect(await auditActions(user.id)).toEqual(audited);
    // The revocation starts c's own reuse interval (GoTrue's rule too); once it is over, c is refused.
    await age(c, 11);
    expect((await refresh(c)).body.error_code).toBe("refresh_token_already_used");
    expect((await tokensOf(otherSession)).map((row) => row.revoked)).toEqual([false]);
    expect((await other.auth.refreshSession()).error).toBeNull();
  });

  it("is measured from the token's revocation: just inside it, the reuse is still accepted", async () => {
    const { token: a } = await signIn();
    const b = (await refresh(a)).body.refresh_token as string;
    await refresh(b);
    await age(a, 8);
    expect((await refresh(a)).status).toBe(200);
  });
});

describe("refused refresh tokens", () => {
  it("refuses unknown and malformed tokens", async () => {
    const unknown = await refresh("abcdefghijkl");
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      code: 400,
      error_code: "refresh_token_not_found",
      msg: "Invalid Refresh Token: Refresh Token Not Found",
    });
    for (const malformed of ["short", "ABCDEFGHIJKL", 42]) {
      const answer = await authFetch("/token?grant_type=refresh_token", {
        method: "POST",
        json: { refresh_token: malformed },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: 400,
        error_code: "validation_failed",
        msg: "Refresh token is not valid",
      });
    }
  });

  it("refuses a banned user's token and leaves it as it was", async () => {
    const { user, token, sessionId } = await signIn();
    await sql(`update auth.users set banned_until = now() + interval '1 hour' where id = $1`, [
      user.id,
    ]);
    const banned = await refresh(token);
    expect(banned.status).toBe(400);
    expect(banned.body).toEqual({
      code: 400,
      error_code: "user_banned",
      msg: "Invalid Refresh Token: User Banned",
    });
    expect(await tokensOf(sessionId)).toEqual([{ token, parent: null, revoked: false }]);
    await sql(`update auth.users set banned_until = now() - interval '1 second' where id = $1`, [
      user.id,
    ]);
    expect((await refresh(token)).status).toBe(200);
  });

  it("refuses a token of a session past its not_after", async () => {
    const { token, sessionId } = await signIn();
    await sql(`update auth.sessions set not_after = now() - interval '1 second' where id = $1`, [
      sessionId,
    ]);
    const expired = await refresh(token);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual({
      code: 400,
      error_code: "session_expired",
      msg: "Invalid Refresh Token: Session Expired",
    });
    expect(await tokensOf(sessionId)).toEqual([{ token, parent: null, revoked: false }]);
  });

  it("deletes a token that has no session, and says so", async () => {
    const { user } = await signIn();
    const orphan = "orphan" + Math.random().toString(36).slice(2, 8).padEnd(6, "a");
    await sql(
      `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now())`,
      [orphan, user.id],
    );
    const answer = await refresh(orphan);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      code: 400,
      error_code: "session_not_found",
      msg: "Invalid Refresh Token: No Valid Session Found",
    });
    expect(await sql(`select 1 from auth.refresh_tokens where token = $1`, [orphan])).toEqual([]);
  });

  it("refuses the token of a session that signed out", async () => {
    const { client, token } = await signIn();
    expect((await client.auth.signOut({ scope: "local" })).error).toBeNull();
    expect((await refresh(token)).body.error_code).toBe("refresh_token_not_found");
  });
});

describe("with rotation off", () => {
  let plain: SpawnedStack;

  beforeAll(async () => {
    plain = await spawnStackWithConfig(`
project_id = "auth-no-rotation"
[auth]
enable_refresh_token_rotation = false
refresh_token_reuse_interval = 0
`);
  });

  afterAll(async () => {
    await plain?.stop();
  });

  it("refuses a reused token but leaves the session's newest token valid", async () => {
    const email = `rotation-off-${Date.now()}@example.test`;
    const created = await authFetch(
      "/admin/users",
      {
        method: "POST",
        headers: { apikey: plain.serviceRoleKey, authorization: `Bearer ${plain.serviceRoleKey}` },
        json: { email, password: "rotation-off-1", email_confirm: true },
      },
      plain,
    );
    expect(created.status).toBe(200);
    const a = (
      await authFetch(
        "/token?grant_type=password",
        { method: "POST", json: { email, password: "rotation-off-1" } },
        plain,
      )
    ).body.refresh_token as string;
    const b = (await refresh(a, plain)).body.refresh_token as string;
    const c = (await refresh(b, plain)).body.refresh_token as string;
    await withClient(plain.dbUrl, (client) =>
      client.query(`update auth.refresh_tokens set updated_at = now() - interval '1 second'`),
    );

    expect((await refresh(a, plain)).body.error_code).toBe("refresh_token_already_used");
    expect((await refresh(c, plain)).status).toBe(200);
  });
});
