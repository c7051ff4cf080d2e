import { describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  authFetch,
  emailsTo,
  fragmentOf,
  followLink,
  signedInClient,
  uniqueEmail,
} from "../helpers/auth.ts";
import { createUser, sql, stack } from "../helpers/db.ts";

describe("admin API", () => {
  it("creates, reads, updates and deletes users", async () => {
    const admin = adminClient();
    const email = uniqueEmail("admin-made");
    const created = await admin.auth.admin.createUser({
      email,
      password: "first-password",
      email_confirm: true,
      user_metadata: { name: "Linus" },
      app_metadata: { plan: "pro" },
    });
    expect(created.error).toBeNull();
    const id = created.data.user!.id;
    expect(created.data.user).toMatchObject({
      email,
      role: "authenticated",
      app_metadata: { provider: "email", providers: ["email"], plan: "pro" },
      user_metadata: { name: "Linus", email_verified: true },
    });
    expect(created.data.user!.email_confirmed_at).toBeTruthy();

    const fetched = await admin.auth.admin.getUserById(id);
    expect(fetched.data.user?.email).toBe(email);

    const updated = await admin.auth.admin.updateUserById(id, {
      password: "second-password",
      user_metadata: { name: null, team: "core" },
      app_metadata: { plan: "team" },
    });
    expect(updated.error).toBeNull();
    expect(updated.data.user!.user_metadata).toMatchObject({ team: "core" });
    expect(updated.data.user!.user_metadata).not.toHaveProperty("name");
    expect(updated.data.user!.app_metadata.plan).toBe("team");
    expect(
      (await anonClient().auth.signInWithPassword({ email, password: "second-password" })).error,
    ).toBeNull();

    expect((await admin.auth.admin.deleteUser(id)).error).toBeNull();
    expect(await sql(`select 1 from auth.users where id = $1`, [id])).toHaveLength(0);
    expect((await admin.auth.admin.getUserById(id)).error).toMatchObject({
      status: 404,
      code: "user_not_found",
    });
  });

  it("refuses duplicate emails and bad ids", async () => {
    const user = await createUser();
    const admin = adminClient();
    const duplicate = await admin.auth.admin.createUser({
      email: user.email,
      password: "whatever-1",
    });
    expect(duplicate.error).toMatchObject({ status: 422, code: "email_exists" });
    const badId = await authFetch("/admin/users/not-a-uuid", {
      headers: { authorization: `Bearer ${stack().serviceRoleKey}` },
    });
    expect(badId.status).toBe(404);
    expect(badId.body).toEqual({
      code: 404,
      error_code: "validation_failed",
      msg: "user_id must be an UUID",
    });
    const nothing = await admin.auth.admin.createUser({});
    expect(nothing.error).toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "Cannot create a user without either an email or phone",
    });
  });

  it("lists users newest first with GoTrue's pagination headers", async () => {
    const marker = `page-${Date.now()}`;
    for (let i = 0; i < 3; i++)
      await adminClient().auth.admin.createUser({
        email: uniqueEmail(marker),
        email_confirm: true,
      });
    const response = await authFetch(`/admin/users?page=1&per_page=2&filter=${marker}`, {
      headers: {
        apikey: stack().serviceRoleKey,
        authorization: `Bearer ${stack().serviceRoleKey}`,
      },
    });
    expect(response.status).toBe(200);
    expect(response.body.users).toHaveLength(2);
    expect(response.body.aud).toBe("authenticated");
    expect(response.headers.get("x-total-count")).toBe("3");
    expect(response.headers.get("link")).toContain('rel="next"');
    const { data } = await adminClient().auth.admin.listUsers({ page: 2, perPage: 2 });
    expect(data.users.length).toBeGreaterThan(0);
  });

  it("bans a user: no sign-in until the ban is lifted", async () => {
    const user = await createUser();
    await adminClient().auth.admin.updateUserById(user.id, { ban_duration: "24h" });
    const banned = await anonClient().auth.signInWithPassword({
      email: user.email,
      password: user.password,
    });
    expect(banned.error).toMatchObject({ status: 400, code: "user_banned" });
    await adminClient().auth.admin.updateUserById(user.id, { ban_duration: "none" });
    expect(
      (await anonClient().auth.signInWithPassword({ email: user.email, password: user.password }))
        .error,
    ).toBeNull();
  });

  it("is for the service role only", async () => {
    const user = await createUser();
    const asUser = await signedInClient(user);
    const token = (await asUser.auth.getSession()).data.session!.access_token;
    const byUser = await authFetch("/admin/users", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(byUser.status).toBe(403);
    expect(byUser.body).toEqual({ code: 403, error_code: "not_admin", msg: "User not allowed" });
    const byAnon = await authFetch("/admin/users", {
      headers: { authorization: `Bearer ${stack().anonKey}` },
    });
    expect(byAnon.body.error_code).toBe("not_admin");
    const without = await authFetch("/admin/users");
    expect(without.status).toBe(401);
    expect(without.body.error_code).toBe("no_authorization");
  });

  it("generate_link gives a working magic link and code without sending an email", async () => {
    const user = await createUser();
    const admin = adminClient();
    const { data, error } = await admin.auth.admin.generateLink({
      type: "magiclink",
      email: user.email,
      options: { redirectTo: "http://127.0.0.1:3000/after" },
    });
    expect(error).toBeNull();
    expect(data.properties).toMatchObject({
      verification_type: "magiclink",
      redirect_to: "http://127.0.0.1:3000/after",
      email_otp: expect.stringMatching(/^\d{6}$/),
    });
    const { status, location } = await followLink(data.properties!.action_link);
    expect(status).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe("http://127.0.0.1:3000/after");
    const fragment = fragmentOf(location);
    expect(fragment.get("type")).toBe("magiclink");
    const session = await anonClient().auth.setSession({
      access_token: fragment.get("access_token")!,
      refresh_token: fragment.get("refresh_token")!,
    });
    expect(session.data.user?.id).toBe(user.id);
    // The link is single use.
    const again = await followLink(data.properties!.action_link);
    expect(fragmentOf(again.location).get("error_code")).toBe("otp_expired");
  });

  it("generate_link signup creates an unconfirmed user whose link confirms it", async () => {
    const email = uniqueEmail("generated");
    const { data } = await adminClient().auth.admin.generateLink({
      type: "signup",
      email,
      password: "generated-pw-1",
    });
    expect(data.user?.email_confirmed_at).toBeUndefined();
    const verified = await anonClient().auth.verifyOtp({
      type: "signup",
      token_hash: data.properties!.hashed_token,
    });
    expect(verified.error).toBeNull();
    expect(verified.data.user?.email_confirmed_at).toBeTruthy();
    const recovery = await adminClient().auth.admin.generateLink({
      type: "recovery",
      email: uniqueEmail("nobody"),
    });
    expect(recovery.error).toMatchObject({ status: 404, code: "user_not_found" });
  });

  it("invites a user by email; the invitation link signs them in", async () => {
    const email = uniqueEmail("invited");
    const { data, error } = await adminClient().auth.admin.inviteUserByEmail(email, {
      data: { team: "blue" },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, invited_at: expect.any(String) });
    const [mail] = await emailsTo(email);
    expect(mail!.subject).toBe("You've been invited");
    const { location } = await followLink(mail!.link);
    expect(fragmentOf(location).get("type")).toBe("invite");
    const [row] = await sql(
      `select email_confirmed_at is not null as confirmed, encrypted_password <> '' as has_password from auth.users where email = $1`,
      [email],
    );
    expect(row).toEqual({ confirmed: true, has_password: true });
  });
});
