import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { anonClient, authFetch, uniqueEmail } from "../helpers/auth.ts";
import { sql, stack } from "../helpers/db.ts";

describe("settings and health", () => {
  it("GET /settings lists what the config turns on, as GoTrue does", async () => {
    const { status, body } = await authFetch("/settings");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      disable_signup: false,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
    });
    // supabase/config.toml enables Google (its credentials come from the environment).
    expect(body.external).toMatchObject({
      email: true,
      google: true,
      phone: false,
      anonymous_users: false,
    });
  });

  it("GET /health names GoTrue", async () => {
    const { status, body } = await authFetch("/health");
    expect(status).toBe(200);
    expect(body.name).toBe("GoTrue");
  });

  it("refuses requests without the project's API key, as Supabase's gateway does", async () => {
    const missing = await authFetch("/settings", { headers: { apikey: "" } });
    expect(missing.status).toBe(401);
    expect(missing.body.message).toBe("No API key found in request");
    const wrong = await authFetch("/settings", { headers: { apikey: "not-a-key" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe("Invalid API key");
  });
});

describe("sign-up and password sign-in", () => {
  it("signs up with metadata and starts a session when confirmations are off", async () => {
    const email = uniqueEmail("signup");
    const client = anonClient();
    const { data, error } = await client.auth.signUp({
      email,
      password: "secret-123",
      options: { data: { full_name: "Ada Lovelace" } },
    });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    expect(data.user).toMatchObject({
      email,
      role: "authenticated",
      aud: "authenticated",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {
        full_name: "Ada Lovelace",
        email,
        email_verified: true,
        phone_verified: false,
      },
      is_anonymous: false,
    });
    expect(data.user?.identities).toHaveLength(1);
    expect(data.user?.identities?.[0]).toMatchObject({
      provider: "email",
      id: data.user?.id,
      identity_data: { email, sub: data.user?.id },
    });

    const [row] = await sql(
      `select u.encrypted_password, u.email_confirmed_at, u.raw_app_meta_data, (select count(*)::int from auth.identities i where i.user_id = u.id) as identities,
              (select count(*)::int from auth.sessions s where s.user_id = u.id) as sessions
         from auth.users u where u.id = $1`,
      [data.user!.id],
    );
    expect(row!.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
    expect(row!.email_confirmed_at).not.toBeNull();
    expect(row).toMatchObject({ identities: 1, sessions: 1 });
  });

  it("puts Supabase's claims in the access token", async () => {
    const email = uniqueEmail("claims");
    const { data } = await anonClient().auth.signUp({
      email,
      password: "secret-123",
      options: { data: { plan: "gold" } },
    });
    const claims = decodeJwt(data.session!.access_token);
    expect(claims).toMatchObject({
      aud: "authenticated",
      iss: `${stack().apiUrl}/auth/v1`,
      sub: data.user!.id,
      email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { plan: "gold" },
      role: "authenticated",
      aal: "aal1",
      is_anonymous: false,
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.amr).toEqual([{ method: "password", timestamp: expect.any(Number) }]);
    const [session] = await sql(`select user_id from auth.sessions where id = $1`, [
      claims.session_id,
    ]);
    expect(session!.user_id).toBe(data.user!.id);
  });

  it("signs in with the right password and refuses a wrong one or an unknown address alike", async () => {
    const email = uniqueEmail("signin");
    await anonClient().auth.signUp({ email, password: "secret-123" });
    const client = anonClient();
    const good = await client.auth.signInWithPassword({
      email: email.toUpperCase(),
      password: "secret-123",
    });
    expect(good.error).toBeNull();
    expect(good.data.user?.email).toBe(email);

    const wrong = await client.auth.signInWithPassword({ email, password: "secret-124" });
    const unknown = await client.auth.signInWithPassword({
      email: uniqueEmail("nobody"),
      password: "secret-123",
    });
    for (const { error } of [wrong, unknown]) {
      expect(error).toMatchObject({
        status: 400,
        code: "invalid_credentials",
        message: "Invalid login credentials",
      });
    }
  });

  it("refuses a weak password with the reasons, and saves nothing", async () => {
    const email = uniqueEmail("weak");
    const { error } = await anonClient().auth.signUp({ email, password: "abc" });
    expect(error).toMatchObject({
      status: 422,
      code: "weak_password",
      name: "AuthWeakPasswordError",
    });
    expect((error as unknown as { reasons: string[] }).reasons).toEqual(["length"]);
    expect(error?.message).toBe("Password should be at least 6 characters.");
    expect(await sql(`select 1 from auth.users where email = $1`, [email])).toHaveLength(0);
  });

  it("refuses anonymous sign-ins, which the default config leaves off", async () => {
    const { error } = await anonClient().auth.signInAnonymously();
    expect(error).toMatchObject({
      status: 422,
      code: "anonymous_provider_disabled",
      message: "Anonymous sign-ins are disabled",
    });
  });

  it("refuses a second sign-up of a registered address", async () => {
    const email = uniqueEmail("twice");
    await anonClient().auth.signUp({ email, password: "secret-123" });
    const { error } = await anonClient().auth.signUp({ email, password: "other-456" });
    expect(error).toMatchObject({
      status: 422,
      code: "user_already_exists",
      message: "User already registered",
    });
  });

  it("answers bad input with GoTrue's status, error code and message, in both API versions", async () => {
    const dated = await authFetch("/signup", {
      method: "POST",
      json: { email: "not-an-email", password: "secret-123" },
      headers: { "x-supabase-api-version": "2024-01-01" },
    });
    expect(dated.status).toBe(400);
    expect(dated.body).toEqual({
      code: "validation_failed",
      message: "Unable to validate email address: invalid format",
    });
    expect(dated.headers.get("x-supabase-api-version")).toBe("2024-01-01");

    const legacy = await authFetch("/signup", {
      method: "POST",
      json: { email: uniqueEmail("x"), password: "" },
    });
    expect(legacy.status).toBe(400);
    expect(legacy.body).toEqual({
      code: 400,
      error_code: "validation_failed",
      msg: "Signup requires a valid password",
    });
    expect(legacy.headers.get("x-sb-error-code")).toBe("validation_failed");

    const weak = await authFetch("/signup", {
      method: "POST",
      json: { email: uniqueEmail("x"), password: "a" },
    });
    expect(weak.body).toEqual({
      code: 422,
      error_code: "weak_password",
      msg: "Password should be at least 6 characters.",
      weak_password: { reasons: ["length"] },
    });

    const badJson = await authFetch("/token?grant_type=password", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error_code).toBe("bad_json");

    const grant = await authFetch("/token?grant_type=magic", { method: "POST", json: {} });
    expect(grant.body).toEqual({
      code: 400,
      error_code: "invalid_credentials",
      msg: "unsupported_grant_type",
    });

    const missing = await authFetch("/token?grant_type=password", {
      method: "POST",
      json: { password: "x" },
    });
    expect(missing.body).toEqual({
      code: 400,
      error_code: "validation_failed",
      msg: "missing email or phone",
    });
  });

  it("fires triggers on auth.users as Supabase does, with the metadata in the inserted row", async () => {
    const table = `profiles_${Date.now()}`;
    await sql(`
      create table public.${table} (id uuid primary key, full_name text, role_at_insert text);
      create function public.${table}_new_user() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        insert into public.${table} (id, full_name, role_at_insert) values (new.id, new.raw_user_meta_data ->> 'full_name', new.role);
        return new;
      end $$;
      create trigger ${table}_on_signup after insert on auth.users for each row execute function public.${table}_new_user();
    `);
    try {
      const { data } = await anonClient().auth.signUp({
        email: uniqueEmail("trigger"),
        password: "secret-123",
        options: { data: { full_name: "Grace" } },
      });
      const rows = await sql(
        `select full_name, role_at_insert from public.${table} where id = $1`,
        [data.user!.id],
      );
      // GoTrue inserts the row with an empty role and sets it right after.
      expect(rows).toEqual([{ full_name: "Grace", role_at_insert: "" }]);
    } finally {
      await sql(
        `drop trigger ${table}_on_signup on auth.users; drop function public.${table}_new_user(); drop table public.${table};`,
      );
    }
  });
});
