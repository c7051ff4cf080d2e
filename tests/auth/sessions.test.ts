import type { AuthChangeEvent } from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  anonClient,
  authFetch,
  latestEmailTo,
  signedInClient,
  followLink,
  fragmentOf,
  uniqueEmail,
} from "../helpers/auth.ts";
import { createUser, sql } from "../helpers/db.ts";

describe("sessions", () => {
  it("GET /user answers for a live session and refuses a missing or forged token", async () => {
    const user = await createUser({ nickname: "ace" });
    const client = await signedInClient(user);
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      id: user.id,
      email: user.email,
      user_metadata: { nickname: "ace" },
    });

    const none = await authFetch("/user");
    expect(none.status).toBe(401);
    expect(none.body.error_code).toBe("no_authorization");
    const forged = await authFetch("/user", {
      headers: { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad" },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error_code).toBe("bad_jwt");
  });

  it("logout (global) ends every session of the user and their refresh tokens", async () => {
    const user = await createUser();
    const phone = await signedInClient(user);
    const laptop = await signedInClient(user);
    const laptopSession = (await laptop.auth.getSession()).data.session!;
    const events: AuthChangeEvent[] = [];
    phone.auth.onAuthStateChange((event) => {
      events.push(event);
    });
    expect((await phone.auth.signOut()).error).toBeNull();
    expect(events).toContain("SIGNED_OUT");
    expect(await sql(`select 1 from auth.sessions where user_id = $1`, [user.id])).toHaveLength(0);

    const stale = await authFetch("/user", {
      headers: {
        authorization: `Bearer ${laptopSession.access_token}`,
        "x-supabase-api-version": "2024-01-01",
      },
    });
    expect(stale.status).toBe(403);
    expect(stale.body).toEqual({
      code: "session_not_found",
      message: "Session from session_id claim in JWT does not exist",
    });
    const refresh = await authFetch("/token?grant_type=refresh_token", {
      method: "POST",
      json: { refresh_token: laptopSession.refresh_token },
    });
    expect(refresh.body.error_code).toBe("refresh_token_not_found");
  });

  it("logout scope local ends only this session, others ends all but this one", async () => {
    const user = await createUser();
    const [a, b, c] = await Promise.all([
      signedInClient(user),
      signedInClient(user),
      signedInClient(user),
    ]);
    const sessionOf = async (client: typeof a) =>
      decodeJwt((await client.auth.getSession()).data.session!.access_token).session_id;
    const [idA, idB, idC] = [await sessionOf(a), await sessionOf(b), await sessionOf(c)];
    await a.auth.signOut({ scope: "local" });
    expect(
      (await sql(`select id from auth.sessions where user_id = $1 order by id`, [user.id]))
        .map((row) => row.id)
        .sort(),
    ).toEqual([idB, idC].sort());
    await b.auth.signOut({ scope: "others" });
    expect(
      (await sql(`select id from auth.sessions where user_id = $1`, [user.id])).map(
        (row) => row.id,
      ),
    ).toEqual([idB]);
    expect(idA).not.toBe(idB);

    const bad = await authFetch("/logout?scope=everyone", { method: "POST" });
    expect(bad.status).toBe(400);
    expect(bad.body.msg).toBe('Unsupported logout scope "everyone"');
  });
});

describe("PUT /user", () => {
  it("merges user metadata, removing keys set to null", async () => {
    const user = await createUser({ keep: 1, drop: 2 });
    const client = await signedInClient(user);
    const { data, error } = await client.auth.updateUser({ data: { drop: null, added: "yes" } });
    expect(error).toBeNull();
    expect(data.user!.user_metadata).toMatchObject({ keep: 1, added: "yes" });
    expect(data.user!.user_metadata).not.toHaveProperty("drop");
  });

  it("changes the password, signs out other sessions, and refuses the same or a weak one", async () => {
    const user = await createUser();
    const client = await signedInClient(user);
    const other = await signedInClient(user);
    const otherRefresh = (await other.auth.getSession()).data.session!.refresh_token;

    const same = await client.auth.updateUser({ password: user.password });
    expect(same.error).toMatchObject({ status: 422, code: "same_password" });
    const weak = await client.auth.updateUser({ password: "123" });
    expect(weak.error).toMatchObject({ status: 422, code: "weak_password" });

    expect((await client.auth.updateUser({ password: "brand-new-password" })).error).toBeNull();
    const signIn = await anonClient().auth.signInWithPassword({
      email: user.email,
      password: "brand-new-password",
    });
    expect(signIn.error).toBeNull();
    expect((await client.auth.getUser()).error).toBeNull();
    const refresh = await authFetch("/token?grant_type=refresh_token", {
      method: "POST",
      json: { refresh_token: otherRefresh },
    });
    expect(refresh.body.error_code).toBe("refresh_token_not_found");
  });

  it("changes the email once the links sent to both addresses are followed", async () => {
    const user = await createUser();
    const client = await signedInClient(user);
    const newEmail = uniqueEmail("moved");
    const { data, error } = await client.auth.updateUser(
      { email: newEmail },
      { emailRedirectTo: "http://127.0.0.1:3000/welcome" },
    );
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email: user.email, new_email: newEmail });

    const toNew = await latestEmailTo(newEmail);
    const toOld = await latestEmailTo(user.email);
    expect(toNew.subject).toBe("Confirm your new email address");
    expect(toOld.subject).toBe("Confirm your new email address");
    // With confirmations off (autoconfirm), one link completes the change, as on Supabase.
    const { status, location } = await followLink(toNew.link);
    expect(status).toBe(303);
    expect(location.pathname).toBe("/welcome");
    expect(fragmentOf(location).get("type")).toBe("email_change");
    const [row] = await sql(`select email, email_change from auth.users where id = $1`, [user.id]);
    expect(row).toEqual({ email: newEmail, email_change: "" });
    const identity = await sql(
      `select email from auth.identities where user_id = $1 and provider = 'email'`,
      [user.id],
    );
    expect(identity).toEqual([{ email: newEmail }]);
  });

  it("refuses an email another user has, and app_metadata from the user", async () => {
    const [user, other] = await Promise.all([createUser(), createUser()]);
    const client = await signedInClient(user);
    const taken = await client.auth.updateUser({ email: other.email });
    expect(taken.error).toMatchObject({ status: 422, code: "email_exists" });
    const appMetadata = await authFetch("/user", {
      method: "PUT",
      headers: {
        authorization: `Bearer ${(await client.auth.getSession()).data.session!.access_token}`,
      },
      json: { app_metadata: { role: "admin" } },
    });
    expect(appMetadata.status).toBe(403);
    expect(appMetadata.body.error_code).toBe("not_admin");
  });
});

describe("the REST API sees the signed-in user", () => {
  it("RLS policies using auth.uid() let a user read only their own rows", async () => {
    const table = `auth_notes_${Date.now()}`;
    await sql(`
      create table public.${table} (id bigint generated always as identity primary key, owner uuid not null default auth.uid(), body text);
      alter table public.${table} enable row level security;
      create policy "own rows" on public.${table} for all to authenticated using (owner = (select auth.uid())) with check (owner = (select auth.uid()));
      grant select, insert on public.${table} to authenticated;
      notify pgrst, 'reload schema';
    `);
    try {
      // The REST API reloads its schema cache on the notification; wait until it knows the table.
      for (
        let tries = 0;
        (await anonClient().from(table).select("id")).error?.code === "PGRST205";
        tries++
      ) {
        if (tries === 100) throw new Error(`REST never saw ${table}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const [alice, bob] = await Promise.all([createUser(), createUser()]);
      const [asAlice, asBob] = await Promise.all([signedInClient(alice), signedInClient(bob)]);
      expect((await asAlice.from(table).insert({ body: "alice's" })).error).toBeNull();
      expect((await asBob.from(table).insert({ body: "bob's" })).error).toBeNull();
      const { data, error } = await asAlice.from(table).select("owner, body");
      expect(error).toBeNull();
      expect(data).toEqual([{ owner: alice.id, body: "alice's" }]);
      expect((await anonClient().from(table).select("*")).data ?? []).toEqual([]);
    } finally {
      await sql(`drop table public.${table}`);
    }
  });
});
