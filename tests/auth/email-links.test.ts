import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import {
  anonClient,
  authFetch,
  emailsTo,
  followLink,
  fragmentOf,
  latestEmailTo,
  ssrClient,
  uniqueEmail,
} from "../helpers/auth.ts";
import { createUser, sql, stack } from "../helpers/db.ts";

/** The methods of a token's amr claim, newest first. */
const amrOf = (accessToken: string) =>
  (decodeJwt(accessToken).amr as { method: string }[]).map((entry) => entry.method);

describe("password recovery", () => {
  it("emails a link that signs the user in to choose a new password", async () => {
    const user = await createUser();
    const client = anonClient();
    const { error } = await client.auth.resetPasswordForEmail(user.email, {
      redirectTo: "http://127.0.0.1:3000/reset",
    });
    expect(error).toBeNull();
    const email = await latestEmailTo(user.email);
    expect(email.subject).toBe("Reset your password");
    expect(email.code).toMatch(/^\d{6}$/);

    const { status, location } = await followLink(email.link);
    expect(status).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe("http://127.0.0.1:3000/reset");
    const fragment = fragmentOf(location);
    expect(fragment.get("type")).toBe("recovery");
    expect(fragment.get("token_type")).toBe("bearer");
    // GoTrue's implicit verification signs in with amr "otp", whatever the link's type.
    expect(amrOf(fragment.get("access_token")!)).toEqual(["otp"]);
    const { data } = await client.auth.setSession({
      access_token: fragment.get("access_token")!,
      refresh_token: fragment.get("refresh_token")!,
    });
    expect(data.user?.id).toBe(user.id);
    expect((await client.auth.updateUser({ password: "recovered-password" })).error).toBeNull();
    expect(
      (
        await anonClient().auth.signInWithPassword({
          email: user.email,
          password: "recovered-password",
        })
      ).error,
    ).toBeNull();
  });

  it("answers the same for an unknown address, and sends nothing", async () => {
    const nobody = uniqueEmail("nobody");
    const response = await authFetch("/recover", { method: "POST", json: { email: nobody } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({});
    expect(await emailsTo(nobody)).toHaveLength(0);
  });

  it("accepts the code from the email instead of the link", async () => {
    const user = await createUser();
    await anonClient().auth.resetPasswordForEmail(user.email);
    const { code } = await latestEmailTo(user.email);
    const client = anonClient();
    const wrong = await client.auth.verifyOtp({
      email: user.email,
      token: code === "000000" ? "111111" : "000000",
      type: "recovery",
    });
    expect(wrong.error).toMatchObject({
      status: 403,
      code: "otp_expired",
      message: "Token has expired or is invalid",
    });
    const { data, error } = await client.auth.verifyOtp({
      email: user.email,
      token: code,
      type: "recovery",
    });
    expect(error).toBeNull();
    expect(data.session?.user.id).toBe(user.id);
    const reused = await anonClient().auth.verifyOtp({
      email: user.email,
      token: code,
      type: "recovery",
    });
    expect(reused.error).toMatchObject({ status: 403, code: "otp_expired" });
  });

  it("sends an expired link back to the app with the error", async () => {
    const user = await createUser();
    await anonClient().auth.resetPasswordForEmail(user.email, {
      redirectTo: "http://127.0.0.1:3000/reset",
    });
    const { link } = await latestEmailTo(user.email);
    await sql(`update auth.users set recovery_sent_at = now() - interval '2 hours' where id = $1`, [
      user.id,
    ]);
    const { status, location } = await followLink(link);
    expect(status).toBe(303);
    expect(Object.fromEntries(fragmentOf(location))).toEqual({
      error: "access_denied",
      error_code: "otp_expired",
      error_description: "Email link is invalid or has expired",
      sb: "",
    });
  });

  it("sends the user to the site URL when redirect_to is not allowed", async () => {
    const user = await createUser();
    await anonClient().auth.resetPasswordForEmail(user.email, {
      redirectTo: "https://evil.example/steal",
    });
    const { location } = await followLink((await latestEmailTo(user.email)).link);
    expect(location.origin).toBe("http://127.0.0.1:3000");
    expect(fragmentOf(location).get("access_token")).toBeTruthy();
  });

  it("validates the address", async () => {
    const { error } = await anonClient().auth.resetPasswordForEmail("nope");
    expect(error).toMatchObject({ status: 400, code: "validation_failed" });
  });
});

describe("magic links and email codes", () => {
  it("signInWithOtp emails a link and a code; the code signs in once", async () => {
    const user = await createUser();
    expect((await anonClient().auth.signInWithOtp({ email: user.email })).error).toBeNull();
    const email = await latestEmailTo(user.email);
    expect(email.subject).toBe("Your sign-in link");
    const client = anonClient();
    const { data, error } = await client.auth.verifyOtp({
      email: user.email,
      token: email.code,
      type: "email",
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    expect(amrOf(data.session!.access_token)).toEqual(["otp"]);
    expect((await client.auth.getSession()).data.session?.user.id).toBe(user.id);
  });

  it("signs up a new address on the way, unless shouldCreateUser is false", async () => {
    const email = uniqueEmail("otp-new");
    const refused = await anonClient().auth.signInWithOtp({
      email,
      options: { shouldCreateUser: false },
    });
    expect(refused.error).toMatchObject({
      status: 422,
      code: "otp_disabled",
      message: "Signups not allowed for otp",
    });
    expect(await sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);

    expect(
      (await anonClient().auth.signInWithOtp({ email, options: { data: { source: "otp" } } }))
        .error,
    ).toBeNull();
    const { link } = await latestEmailTo(email);
    const { location } = await followLink(link);
    expect(fragmentOf(location).get("type")).toBe("magiclink");
    const [row] = await sql(
      `select raw_user_meta_data ->> 'source' as source, email_confirmed_at is not null as confirmed from auth.users where email = $1`,
      [email],
    );
    expect(row).toEqual({ source: "otp", confirmed: true });
  });
});

describe("PKCE with @supabase/ssr", () => {
  it("a recovery link comes back with a code the server exchanges for a session", async () => {
    const user = await createUser();
    const { client, cookies } = ssrClient();
    expect(
      (
        await client.auth.resetPasswordForEmail(user.email, {
          redirectTo: "http://127.0.0.1:3000/callback",
        })
      ).error,
    ).toBeNull();
    expect([...cookies.keys()].some((name) => name.endsWith("-code-verifier"))).toBe(true);
    const { link } = await latestEmailTo(user.email);
    expect(new URL(link).searchParams.get("token")).toMatch(/^pkce_/);
    const { location } = await followLink(link);
    const code = location.searchParams.get("code");
    expect(code).toBeTruthy();
    const { data, error } = await client.auth.exchangeCodeForSession(code!);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(user.id);
    // A PKCE code carries its flow's method: "recovery" (magic links "magiclink", sign-ups "email/signup").
    expect(amrOf(data.session!.access_token)).toEqual(["recovery"]);
    expect([...cookies.keys()].some((name) => /^sb-.*-auth-token/.test(name))).toBe(true);

    const again = await client.auth.exchangeCodeForSession(code!);
    expect(again.error).toBeTruthy();
  });

  it("refuses a code with the wrong verifier", async () => {
    const user = await createUser();
    const { client } = ssrClient();
    await client.auth.signInWithOtp({ email: user.email });
    const { location } = await followLink((await latestEmailTo(user.email)).link);
    const response = await authFetch("/token?grant_type=pkce", {
      method: "POST",
      json: { auth_code: location.searchParams.get("code"), code_verifier: "x".repeat(43) },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 400,
      error_code: "bad_code_verifier",
      msg: "code challenge does not match previously saved code verifier",
    });
    const unknown = await authFetch("/token?grant_type=pkce", {
      method: "POST",
      json: { auth_code: "11111111-1111-4111-8111-111111111111", code_verifier: "x".repeat(43) },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe("flow_state_not_found");
  });
});

describe("the local inbox", () => {
  it("serves Mailpit's and Inbucket's APIs and a page for people", async () => {
    const user = await createUser();
    await anonClient().auth.resetPasswordForEmail(user.email);
    const inbox = `http://127.0.0.1:${stack().inboxPort}`;
    const list = await (await fetch(`${inbox}/api/v1/messages?limit=5`)).json();
    expect(list).toMatchObject({
      total: expect.any(Number),
      count: expect.any(Number),
      messages: expect.any(Array),
    });
    const found = await (
      await fetch(`${inbox}/api/v1/search?query=${encodeURIComponent(`to:${user.email}`)}`)
    ).json();
    expect(found.messages).toHaveLength(1);
    expect(found.messages[0]).toMatchObject({
      To: [{ Address: user.email }],
      From: { Address: "admin@email.com" },
      Subject: "Reset your password",
    });
    const latest = await (await fetch(`${inbox}/api/v1/message/${found.messages[0].ID}`)).json();
    expect(latest.HTML).toContain("/auth/v1/verify?token=");

    const mailbox = user.email.split("@")[0];
    const inbucket = await (await fetch(`${inbox}/api/v1/mailbox/${mailbox}`)).json();
    expect(inbucket).toEqual([
      expect.objectContaining({ mailbox, subject: "Reset your password" }),
    ]);
    const inbucketMessage = await (
      await fetch(`${inbox}/api/v1/mailbox/${mailbox}/${inbucket[0].id}`)
    ).json();
    expect(inbucketMessage.body.text).toContain("Alternatively, enter the code");

    const page = await fetch(inbox);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Reset your password");
  });
});
