import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withClient } from "../../supabase/stack/database/connection.ts";
import {
  adminClient,
  anonClient,
  authFetch,
  emailsTo,
  followLink,
  fragmentOf,
  latestEmailTo,
  signedInClient,
  spawnStackWithConfig,
  ssrClient,
  uniqueEmail,
  type AuthTarget,
} from "../helpers/auth.ts";
import type { SpawnedStack } from "../../supabase/stack/spawn-stack.ts";

/** A project as a production-minded team configures it: confirmations, strict rotation, low limits. */
const config = `
project_id = "auth-strict"
[auth]
site_url = "http://127.0.0.1:3000"
additional_redirect_urls = ["http://127.0.0.1:3000/**"]
refresh_token_reuse_interval = 0
enable_anonymous_sign_ins = true
minimum_password_length = 8
password_requirements = "lower_upper_letters_digits"
[auth.rate_limit]
sign_in_sign_ups = 3
token_verifications = 30
email_sent = 2
[auth.email]
enable_confirmations = true
secure_password_change = true
max_frequency = "60s"
`;

let strict: SpawnedStack;
let target: AuthTarget;
const password = "Strong-Pass-1";

beforeAll(async () => {
  strict = await spawnStackWithConfig(config);
  target = strict;
});

afterAll(async () => {
  await strict?.stop();
});

/** A confirmed user on this stack, made through the admin API. */
async function confirmedUser() {
  const email = uniqueEmail("strict");
  const { error } = await adminClient(target).auth.admin.createUser({
    email,
    password,
    email_confirm: true,
  });
  if (error) throw error;
  return { email, password };
}

describe("with email confirmations on", () => {
  it("signs up without a session, emails a confirmation link, and refuses sign-in until it is followed", async () => {
    const email = uniqueEmail("confirm");
    const { data, error } = await anonClient(target).auth.signUp({
      email,
      password,
      options: { emailRedirectTo: "http://127.0.0.1:3000/confirmed" },
    });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user).toMatchObject({ email, confirmation_sent_at: expect.any(String) });
    expect(data.user?.email_confirmed_at).toBeUndefined();

    const early = await anonClient(target).auth.signInWithPassword({ email, password });
    expect(early.error).toMatchObject({
      status: 400,
      code: "email_not_confirmed",
      message: "Email not confirmed",
    });

    const mail = await latestEmailTo(email, target);
    expect(mail.subject).toBe("Confirm your email address");
    const { location } = await followLink(mail.link);
    expect(location.pathname).toBe("/confirmed");
    expect(fragmentOf(location).get("type")).toBe("signup");
    expect(
      (await anonClient(target).auth.signInWithPassword({ email, password })).error,
    ).toBeNull();
  });

  it("answers a repeated sign-up of a confirmed address like a new one, without revealing it or sending mail", async () => {
    const user = await confirmedUser();
    const { data, error } = await anonClient(target).auth.signUp({
      email: user.email,
      password: "Other-Pass-2",
    });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.identities).toEqual([]);
    expect(await emailsTo(user.email, target)).toHaveLength(0);
  });

  it("limits how often an address gets the same kind of email (max_frequency)", async () => {
    const email = uniqueEmail("frequency");
    await anonClient(target).auth.signUp({ email, password });
    const again = await anonClient(target).auth.resend({ type: "signup", email });
    expect(again.error).toMatchObject({ status: 429, code: "over_email_send_rate_limit" });
    expect(again.error?.message).toMatch(
      /^For security purposes, you can only request this after \d+ seconds\.$/,
    );
    expect(await emailsTo(email, target)).toHaveLength(1);
  });

  it("applies the configured password rules, naming every reason", async () => {
    const { error } = await anonClient(target).auth.signUp({
      email: uniqueEmail("rules"),
      password: "short1",
    });
    expect(error).toMatchObject({ status: 422, code: "weak_password" });
    expect((error as unknown as { reasons: string[] }).reasons).toEqual(["length", "characters"]);
    expect(error?.message).toBe(
      "Password should be at least 8 characters. Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.",
    );
  });

  it("confirms a PKCE sign-up through @supabase/ssr", async () => {
    const email = uniqueEmail("pkce-signup");
    const { client } = ssrClient(target);
    expect(
      (
        await client.auth.signUp({
          email,
          password,
          options: { emailRedirectTo: "http://127.0.0.1:3000/auth/confirm" },
        })
      ).error,
    ).toBeNull();
    const { location } = await followLink((await latestEmailTo(email, target)).link);
    const code = location.searchParams.get("code");
    expect(code).toBeTruthy();
    const { data, error } = await client.auth.exchangeCodeForSession(code!);
    expect(error).toBeNull();
    expect(data.user?.email_confirmed_at).toBeTruthy();
  });

  it("changes the email only after both the old and the new address confirm", async () => {
    const user = await confirmedUser();
    const client = await signedInClient(user, target);
    const newEmail = uniqueEmail("double");
    expect((await client.auth.updateUser({ email: newEmail })).error).toBeNull();
    const first = await followLink((await latestEmailTo(newEmail, target)).link);
    expect(fragmentOf(first.location).get("message")).toBe(
      "Confirmation link accepted. Please proceed to confirm link sent to the other email",
    );
    expect((await client.auth.getUser()).data.user?.email).toBe(user.email);
    const second = await followLink((await latestEmailTo(user.email, target)).link);
    expect(fragmentOf(second.location).get("type")).toBe("email_change");
    expect((await client.auth.getUser()).data.user?.email).toBe(newEmail);
  });
});

describe("sensitive changes", () => {
  it("asks a session older than a day for the emailed reauthentication code before a password change", async () => {
    const user = await confirmedUser();
    const client = await signedInClient(user, target);
    const sessionId = decodeJwt(
      (await client.auth.getSession()).data.session!.access_token,
    ).session_id;
    const fresh = await client.auth.updateUser({ password: "Fresh-Pass-2" });
    expect(fresh.error).toBeNull();

    await withClient(strict.dbUrl, (db) =>
      db.query(`update auth.sessions set created_at = now() - interval '2 days' where id = $1`, [
        sessionId,
      ]),
    );
    const refused = await client.auth.updateUser({ password: "Later-Pass-3" });
    expect(refused.error).toMatchObject({
      status: 400,
      code: "reauthentication_needed",
      message: "Password update requires reauthentication",
    });
    const wrongNonce = await client.auth.updateUser({ password: "Later-Pass-3", nonce: "000000" });
    expect(wrongNonce.error).toMatchObject({ status: 422, code: "reauthentication_not_valid" });

    expect((await client.auth.reauthenticate()).error).toBeNull();
    const { code, subject } = await latestEmailTo(user.email, target);
    expect(subject).toBe(`${code} is your verification code`);
    expect(
      (await client.auth.updateUser({ password: "Later-Pass-3", nonce: code })).error,
    ).toBeNull();
    expect(
      (
        await anonClient(target).auth.signInWithPassword({
          email: user.email,
          password: "Later-Pass-3",
        })
      ).error,
    ).toBeNull();
  });

  it("signs in anonymously when the config allows it", async () => {
    const { data, error } = await anonClient(target).auth.signInAnonymously({
      options: { data: { guest: true } },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      is_anonymous: true,
      email: "",
      user_metadata: { guest: true },
    });
    expect(decodeJwt(data.session!.access_token)).toMatchObject({
      is_anonymous: true,
      role: "authenticated",
      amr: [{ method: "anonymous", timestamp: expect.any(Number) }],
    });
  });
});

describe("refresh token reuse", () => {
  it("revokes the whole session when an old refresh token comes back after the reuse interval", async () => {
    const user = await confirmedUser();
    const { data } = await anonClient(target).auth.signInWithPassword(user);
    const refresh = (token: string) =>
      authFetch(
        "/token?grant_type=refresh_token",
        { method: "POST", json: { refresh_token: token } },
        target,
      );
    const a = data.session!.refresh_token;
    const b = (await refresh(a)).body.refresh_token;
    const c = (await refresh(b)).body.refresh_token;
    expect(c).toMatch(/^[a-z0-9]{12}$/);

    const reused = await refresh(a);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({
      code: 400,
      error_code: "refresh_token_already_used",
      msg: "Invalid Refresh Token: Already Used",
    });
    // The newest token of the session is revoked too: whoever holds it must sign in again.
    const newest = await refresh(c);
    expect(newest.body.error_code).toBe("refresh_token_already_used");
  });
});

describe("rate limits", () => {
  it("limits sign-ins per client address (X-Forwarded-For), counting failures too", async () => {
    const user = await confirmedUser();
    const signIn = (ip: string, pw: string) =>
      authFetch(
        "/token?grant_type=password",
        {
          method: "POST",
          json: { email: user.email, password: pw },
          headers: { "x-forwarded-for": ip },
        },
        target,
      );
    expect((await signIn("203.0.113.7", "wrong-one")).status).toBe(400);
    expect((await signIn("203.0.113.7", user.password)).status).toBe(200);
    expect((await signIn("203.0.113.7", user.password)).status).toBe(200);
    const over = await signIn("203.0.113.7", user.password);
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      code: 429,
      error_code: "over_request_rate_limit",
      msg: "Request rate limit reached",
    });
    expect((await signIn("198.51.100.9", user.password)).status).toBe(200);
  });

  it("limits emails per client address (email_sent)", async () => {
    const recover = (email: string) =>
      authFetch(
        "/recover",
        { method: "POST", json: { email }, headers: { "x-forwarded-for": "203.0.113.50" } },
        target,
      );
    expect((await recover(uniqueEmail("a"))).status).toBe(200);
    expect((await recover(uniqueEmail("b"))).status).toBe(200);
    expect((await recover(uniqueEmail("c"))).body.error_code).toBe("over_request_rate_limit");
  });
});
