import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { decodeJwt } from "jose";
import { Secret, TOTP } from "otpauth";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { adminClient, anonClient, signedInClient } from "../helpers/auth.ts";
import { createUser, sql, stack, type TestUser } from "../helpers/db.ts";

/** The code an authenticator app shows for `secret` now. */
const codeFor = (secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();

/** The parts of an auth-js error an app reads. */
const answer = (error: unknown) => {
  const { status, code, message } = error as { status: number; code: string; message: string };
  return { status, code, message };
};

async function enrolled(client: SupabaseClient, friendlyName: string) {
  const { data, error } = await client.auth.mfa.enroll({ factorType: "totp", friendlyName });
  expect(error).toBeNull();
  return data!;
}

/** Challenge and verify in one, as an app's second sign-in step does. */
async function stepUp(client: SupabaseClient, factorId: string, secret: string) {
  const { data, error } = await client.auth.mfa.challengeAndVerify({
    factorId,
    code: codeFor(secret),
  });
  expect(error).toBeNull();
  return data!;
}

describe("MFA with TOTP through auth-js", () => {
  let user: TestUser;
  let client: SupabaseClient;
  let factorId: string;
  let secret: string;

  beforeAll(async () => {
    user = await createUser();
    client = await signedInClient(user);
  });

  it("enrolls a factor: the secret, an otpauth URI and the QR code as an SVG data URI", async () => {
    const before = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(before.data).toEqual({
      currentLevel: "aal1",
      nextLevel: "aal1",
      currentAuthenticationMethods: [{ method: "password", timestamp: expect.any(Number) }],
    });
    const factor = await enrolled(client, "Authenticator app");
    factorId = factor.id;
    secret = factor.totp.secret;
    expect(factor).toMatchObject({ type: "totp", friendly_name: "Authenticator app" });
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(factor.totp.qr_code).toMatch(/^data:image\/svg\+xml;utf-8,<svg[^>]*>/);
    const uri = new URL(factor.totp.uri);
    expect([uri.protocol, uri.host]).toEqual(["otpauth:", "totp"]);
    // The issuer defaults to the site URL's host, as GoTrue's.
    expect(decodeURIComponent(uri.pathname)).toBe(`/127.0.0.1:3000:${user.email}`);
    expect(uri.searchParams.get("secret")).toBe(secret);
    // Not a factor yet: listFactors' `totp` holds verified factors only.
    const listed = await client.auth.mfa.listFactors();
    expect(listed.data!.totp).toEqual([]);
    expect(listed.data!.all).toEqual([
      expect.objectContaining({ id: factorId, status: "unverified", factor_type: "totp" }),
    ]);
    const [row] = await sql(
      `select status::text, secret from auth.mfa_factors where id = $1 and user_id = $2`,
      [factorId, user.id],
    );
    expect(row).toEqual({ status: "unverified", secret });
  });

  it("refuses a wrong code, an unknown challenge and an empty code with GoTrue's answers", async () => {
    const { data: challenge } = await client.auth.mfa.challenge({ factorId });
    expect(challenge!.type).toBe("totp");
    expect(challenge!.expires_at).toBeGreaterThan(Date.now() / 1000 + 200);
    const wrongCode = (Number(codeFor(secret)) + 500_000) % 1_000_000;
    const wrong = await client.auth.mfa.verify({
      factorId,
      challengeId: challenge!.id,
      code: String(wrongCode).padStart(6, "0"),
    });
    expect(answer(wrong.error)).toEqual({
      status: 422,
      code: "mfa_verification_failed",
      message: "Invalid TOTP code entered",
    });
    const unknown = await client.auth.mfa.verify({
      factorId,
      challengeId: crypto.randomUUID(),
      code: codeFor(secret),
    });
    expect(answer(unknown.error)).toEqual({
      status: 422,
      code: "mfa_factor_not_found",
      message: "MFA factor with the provided challenge ID not found",
    });
    const missing = await client.auth.mfa.challenge({ factorId: crypto.randomUUID() });
    expect(answer(missing.error)).toEqual({
      status: 404,
      code: "mfa_factor_not_found",
      message: "Factor not found",
    });
    const raised = await sql(
      `select count(*)::int as count from auth.sessions where user_id = $1 and aal = 'aal2'`,
      [user.id],
    );
    expect(raised[0]!.count).toBe(0);
  });

  it("verifies a code: the session becomes aal2 with amr totp then password", async () => {
    const session = await stepUp(client, factorId, secret);
    const claims = decodeJwt(session.access_token);
    expect(claims.aal).toBe("aal2");
    expect((claims.amr as { method: string }[]).map((entry) => entry.method)).toEqual([
      "totp",
      "password",
    ]);
    const level = await client.auth.mfa.getAuthenticatorAssuranceLevel();
    expect(level.data).toMatchObject({ currentLevel: "aal2", nextLevel: "aal2" });
    // auth-js reads the methods from the token's amr, newest first, as GoTrue orders them.
    expect(level.data!.currentAuthenticationMethods).toEqual(claims.amr);
    const listed = await client.auth.mfa.listFactors();
    expect(listed.data!.totp.map((factor) => [factor.id, factor.status])).toEqual([
      [factorId, "verified"],
    ]);
    const [row] = await sql(
      `select s.aal::text, s.factor_id, array(select authentication_method from auth.mfa_amr_claims c where c.session_id = s.id order by 1) as methods,
              (select count(*)::int from auth.mfa_challenges ch where ch.factor_id = s.factor_id and ch.verified_at is not null) as verified_challenges
         from auth.sessions s where s.id = $1`,
      [claims.session_id],
    );
    expect(row).toEqual({
      aal: "aal2",
      factor_id: factorId,
      methods: ["password", "totp"],
      verified_challenges: 1,
    });
    // A refreshed token keeps the level.
    const refreshed = await client.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session!.access_token).aal).toBe("aal2");
  });

  it("lets an RLS policy require aal2 (auth.jwt()->>'aal')", async () => {
    const table = `mfa_vault_${Date.now()}`;
    await sql(`
      create table public.${table} (id bigint generated always as identity primary key, owner uuid not null default auth.uid(), body text);
      alter table public.${table} enable row level security;
      create policy "own rows, aal2 only" on public.${table} for all to authenticated
        using (owner = (select auth.uid()) and (select auth.jwt() ->> 'aal') = 'aal2')
        with check (owner = (select auth.uid()) and (select auth.jwt() ->> 'aal') = 'aal2');
      grant select, insert on public.${table} to authenticated;
      notify pgrst, 'reload schema';
    `);
    try {
      for (
        let tries = 0;
        (await anonClient().from(table).select("id")).error?.code === "PGRST205";
        tries++
      ) {
        if (tries === 100) throw new Error(`REST never saw ${table}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await client.from(table).insert({ body: "at aal2" })).error).toBeNull();
      // The same person signed in again with the password alone: aal1, with aal2 to reach.
      const aal1 = await signedInClient(user);
      const level = await aal1.auth.mfa.getAuthenticatorAssuranceLevel();
      expect(level.data).toMatchObject({ currentLevel: "aal1", nextLevel: "aal2" });
      expect((await aal1.from(table).select("body")).data).toEqual([]);
      expect((await aal1.from(table).insert({ body: "at aal1" })).error?.code).toBe("42501");
      expect((await client.from(table).select("body")).data).toEqual([{ body: "at aal2" }]);
      // The aal1 session may neither add a factor nor remove the verified one.
      const second = await aal1.auth.mfa.enroll({ factorType: "totp", friendlyName: "Second" });
      expect(answer(second.error)).toEqual({
        status: 403,
        code: "insufficient_aal",
        message: "AAL2 required to enroll a new factor",
      });
      const removed = await aal1.auth.mfa.unenroll({ factorId });
      expect(answer(removed.error)).toEqual({
        status: 422,
        code: "insufficient_aal",
        message: "AAL2 required to unenroll verified factor",
      });
      // After its own challenge and verify, the second session reads the rows too.
      await stepUp(aal1, factorId, secret);
      expect((await aal1.from(table).select("body")).data).toEqual([{ body: "at aal2" }]);
    } finally {
      await sql(`drop table public.${table}`);
    }
  });

  it("names clash, and an aal2 session unenrolls a verified factor back to aal1", async () => {
    const clash = await client.auth.mfa.enroll({
      factorType: "totp",
      friendlyName: "Authenticator app",
    });
    expect(answer(clash.error)).toEqual({
      status: 422,
      code: "mfa_factor_name_conflict",
      message: 'A factor with the friendly name "Authenticator app" for this user already exists',
    });
    const other = await createUser();
    const otherClient = await signedInClient(other);
    const factor = await enrolled(otherClient, "Phone");
    await stepUp(otherClient, factor.id, factor.totp.secret);
    const { data, error } = await otherClient.auth.mfa.unenroll({ factorId: factor.id });
    expect(error).toBeNull();
    expect(data).toEqual({ id: factor.id });
    const refreshed = await otherClient.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session!.access_token).aal).toBe("aal1");
    expect((await otherClient.auth.mfa.getAuthenticatorAssuranceLevel()).data?.nextLevel).toBe(
      "aal1",
    );
  });

  it("lets the admin API list and delete a user's factors, which signs the factor's sessions down", async () => {
    const admin = adminClient();
    const listed = await admin.auth.admin.mfa.listFactors({ userId: user.id });
    expect(listed.error).toBeNull();
    expect(listed.data!.factors.map((factor) => [factor.id, factor.status])).toEqual([
      [factorId, "verified"],
    ]);
    const anonymous = await anonClient().auth.admin.mfa.listFactors({ userId: user.id });
    expect(answer(anonymous.error)).toMatchObject({ status: 403, code: "not_admin" });
    const deleted = await admin.auth.admin.mfa.deleteFactor({ userId: user.id, id: factorId });
    expect(deleted.error).toBeNull();
    // GoTrue answers with the deleted factor, which auth-js hands on wrapped once more.
    expect(deleted.data).toMatchObject({ data: { id: factorId, status: "verified" } });
    const refreshed = await client.auth.refreshSession();
    expect(decodeJwt(refreshed.data.session!.access_token).aal).toBe("aal1");
    const again = await admin.auth.admin.mfa.deleteFactor({ userId: user.id, id: factorId });
    expect(answer(again.error)).toEqual({
      status: 404,
      code: "mfa_factor_not_found",
      message: "Factor not found",
    });
  });

  it("refuses to challenge or verify phone and WebAuthn factors with GoTrue's codes", async () => {
    const person = await createUser();
    const member = await signedInClient(person);
    const [phone, webauthn] = [crypto.randomUUID(), crypto.randomUUID()];
    await sql(
      `insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, phone)
       values ($1, $3, 'phone', 'phone', 'verified', now(), now(), '15555550123'),
              ($2, $3, 'key', 'webauthn', 'verified', now(), now(), null)`,
      [phone, webauthn, person.id],
    );
    const verifyWith = (factorId: string) =>
      member.auth.mfa.verify({ factorId, challengeId: crypto.randomUUID(), code: "123456" });
    expect(answer((await member.auth.mfa.challenge({ factorId: phone })).error)).toEqual({
      status: 422,
      code: "mfa_phone_verify_not_enabled",
      message: "MFA verification is disabled for Phone",
    });
    expect(answer((await verifyWith(phone)).error)).toMatchObject({
      code: "mfa_phone_verify_not_enabled",
    });
    expect(answer((await member.auth.mfa.challenge({ factorId: webauthn })).error)).toEqual({
      status: 422,
      code: "mfa_webauthn_verify_not_enabled",
      message: "MFA verification is disabled for WebAuthn",
    });
    // GoTrue's /verify reuses the enroll code for WebAuthn.
    expect(answer((await verifyWith(webauthn)).error)).toEqual({
      status: 422,
      code: "mfa_webauthn_enroll_not_enabled",
      message: "MFA verification is disabled for WebAuthn",
    });
  });

  it("keeps factors, challenges and amr claims in GoTrue's tables, with GoTrue's columns", async () => {
    const columns = await sql<{ table_name: string; columns: string[] }>(
      `select table_name, array_agg(column_name || ' ' || udt_name || case when is_nullable = 'NO' then ' not null' else '' end order by ordinal_position) as columns
         from information_schema.columns
        where table_schema = 'auth' and table_name in ('mfa_factors', 'mfa_challenges', 'mfa_amr_claims')
        group by table_name order by table_name`,
    );
    // As GoTrue's migrations leave them, up to 20250925093508_add_last_webauthn_challenge_data.
    expect(columns).toEqual([
      {
        table_name: "mfa_amr_claims",
        columns: [
          "session_id uuid not null",
          "created_at timestamptz not null",
          "updated_at timestamptz not null",
          "authentication_method text not null",
          "id uuid not null",
        ],
      },
      {
        table_name: "mfa_challenges",
        columns: [
          "id uuid not null",
          "factor_id uuid not null",
          "created_at timestamptz not null",
          "verified_at timestamptz",
          "ip_address inet not null",
          "otp_code text",
          "web_authn_session_data jsonb",
        ],
      },
      {
        table_name: "mfa_factors",
        columns: [
          "id uuid not null",
          "user_id uuid not null",
          "friendly_name text",
          "factor_type factor_type not null",
          "status factor_status not null",
          "created_at timestamptz not null",
          "updated_at timestamptz not null",
          "secret text",
          "phone text",
          "last_challenged_at timestamptz",
          "web_authn_credential jsonb",
          "web_authn_aaguid uuid",
          "last_webauthn_challenge_data jsonb",
        ],
      },
    ]);
  });

  it("limits challenges per client address as GoTrue does: 30 at once, then 429", async () => {
    const person = await createUser();
    const limited = createClient(stack().apiUrl, stack().anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
      global: { headers: { "x-forwarded-for": `203.0.113.${Math.floor(Math.random() * 250)}` } },
    });
    const signIn = await limited.auth.signInWithPassword({
      email: person.email,
      password: person.password,
    });
    expect(signIn.error).toBeNull();
    const factor = await enrolled(limited, "Rate limited");
    const answers: number[] = [];
    for (let attempt = 0; attempt < 31; attempt++) {
      const { error } = await limited.auth.mfa.challenge({ factorId: factor.id });
      answers.push(error ? (error as { status: number }).status : 200);
    }
    expect(answers.slice(0, 30)).toEqual(Array(30).fill(200));
    expect(answers[30]).toBe(429);
    const { error } = await limited.auth.mfa.challenge({ factorId: factor.id });
    expect(answer(error)).toEqual({
      status: 429,
      code: "over_request_rate_limit",
      message: "Request rate limit reached",
    });
    // Verifications have a bucket of their own, taken before the code is looked at. It refills at
    // 15 a minute, so a slow machine may get one more through before the 429.
    const verifications: number[] = [];
    while (verifications.length < 40 && !verifications.includes(429)) {
      const verified = await limited.auth.mfa.verify({
        factorId: factor.id,
        challengeId: crypto.randomUUID(),
        code: "000000",
      });
      verifications.push((verified.error as { status: number }).status);
    }
    expect(verifications.slice(0, 30)).toEqual(Array(30).fill(422));
    expect(verifications.at(-1)).toBe(429);
  });
});
