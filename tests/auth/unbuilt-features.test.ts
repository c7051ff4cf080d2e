import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import {
  adminClient,
  anonClient,
  authFetch,
  signedInClient,
  spawnStackWithConfig,
  uniqueEmail,
} from "../helpers/auth.ts";
import { createUser } from "../helpers/db.ts";

/** The parts of an auth-js error an app reads. */
const answer = (error: unknown) => {
  const { status, code, message } = error as { status: number; code: string; message: string };
  return { status, code, message };
};

describe("features GoTrue answers for while config.toml leaves them off", () => {
  it("SSO: SAML 2.0 is disabled", async () => {
    const { error } = await anonClient().auth.signInWithSSO({ domain: "example.com" });
    expect(answer(error)).toEqual({
      status: 404,
      code: "saml_provider_disabled",
      message: "SAML 2.0 is disabled",
    });
    const metadata = await authFetch("/sso/saml/metadata");
    expect(metadata.status).toBe(404);
    expect(metadata.body.error_code).toBe("saml_provider_disabled");
  });

  it("passkeys: Passkeys are disabled, before any sign-in is asked for", async () => {
    const { error } = await anonClient().auth.passkey.startAuthentication();
    expect(answer(error)).toEqual({
      status: 404,
      code: "passkey_disabled",
      message: "Passkeys are disabled",
    });
  });

  it("the OAuth server: OAuth server is disabled, after the caller's own check", async () => {
    const client = await signedInClient(await createUser());
    const { error } = await client.auth.oauth.getAuthorizationDetails("an-authorization");
    expect(answer(error)).toEqual({
      status: 404,
      code: "feature_disabled",
      message: "OAuth server is disabled",
    });
    const grants = await client.auth.oauth.listGrants();
    expect(answer(grants.error)).toMatchObject({ status: 404, code: "feature_disabled" });
    const clients = await adminClient().auth.admin.oauth.listClients();
    expect(answer(clients.error)).toMatchObject({ status: 404, code: "feature_disabled" });
    // The admin check comes first: the anon key is refused as not an admin.
    const notAdmin = await anonClient().auth.admin.oauth.listClients();
    expect(answer(notAdmin.error)).toMatchObject({ status: 403, code: "not_admin" });
    const metadata = await authFetch("/.well-known/oauth-authorization-server");
    expect(metadata.status).toBe(404);
  });

  it("Web3: Web3 provider is disabled", async () => {
    const { error } = await anonClient().auth.signInWithWeb3({
      chain: "solana",
      message: "example.com wants you to sign in with your Solana account",
      signature: new Uint8Array(64),
    });
    expect(answer(error)).toEqual({
      status: 422,
      code: "web3_provider_disabled",
      message: "Web3 provider is disabled",
    });
  });

  it("manual linking: Manual linking is disabled, for a signed-in user only", async () => {
    const client = await signedInClient(await createUser());
    const linked = await client.auth.linkIdentity({
      provider: "google",
      options: { skipBrowserRedirect: true },
    });
    expect(answer(linked.error)).toEqual({
      status: 404,
      code: "manual_linking_disabled",
      message: "Manual linking is disabled",
    });
    const { data } = await client.auth.getUserIdentities();
    const unlinked = await client.auth.unlinkIdentity(data!.identities[0]!);
    expect(answer(unlinked.error)).toMatchObject({ status: 404, code: "manual_linking_disabled" });
    const anonymous = await authFetch("/user/identities/authorize?provider=google");
    expect(anonymous.status).toBe(401);
  });

  it("phone sign-in and OTP: GoTrue's answers for a disabled phone provider and an unknown number", async () => {
    const client = anonClient();
    const phone = "+15555550123";
    expect(answer((await client.auth.signInWithOtp({ phone })).error)).toEqual({
      status: 400,
      code: "phone_provider_disabled",
      message: "Unsupported phone provider",
    });
    expect(
      answer((await client.auth.signUp({ phone, password: "a-long-password-1" })).error),
    ).toEqual({
      status: 400,
      code: "phone_provider_disabled",
      message: "Phone signups are disabled",
    });
    expect(
      answer(
        (await client.auth.signInWithPassword({ phone, password: "a-long-password-1" })).error,
      ),
    ).toEqual({
      status: 422,
      code: "phone_provider_disabled",
      message: "Phone logins are disabled",
    });
    expect(
      answer((await client.auth.verifyOtp({ phone, token: "123456", type: "sms" })).error),
    ).toEqual({ status: 403, code: "otp_expired", message: "Token has expired or is invalid" });
    const byHash = await client.auth.verifyOtp({ token_hash: "a-hash", type: "sms" });
    expect(answer(byHash.error)).toEqual({
      status: 403,
      code: "otp_expired",
      message: "Token has expired or is invalid",
    });
    expect(
      answer((await client.auth.verifyOtp({ phone: "+0123", token: "123456", type: "sms" })).error),
    ).toEqual({
      status: 400,
      code: "validation_failed",
      message: "Invalid phone number format (E.164 required)",
    });
  });

  it("external providers other than Google: GoTrue's 'Unsupported provider' reasons and its disabled issuers", async () => {
    const reason = async (provider: string) => {
      const { status, body } = await authFetch(`/authorize?provider=${provider}`);
      return { status, ...(body as { error_code: string; msg: string }) };
    };
    expect(await reason("GitLab")).toMatchObject({
      status: 400,
      error_code: "validation_failed",
      msg: "Unsupported provider: provider is not enabled",
    });
    expect((await reason("myspace")).msg).toBe(
      "Unsupported provider: Provider myspace could not be found",
    );
    expect((await reason("custom:acme")).msg).toBe(
      "Unsupported provider: custom OAuth providers are disabled",
    );
    const { error } = await anonClient().auth.signInWithIdToken({
      provider: "facebook",
      token: "an-id-token",
    });
    expect(answer(error)).toEqual({
      status: 400,
      code: "provider_disabled",
      message: 'Provider (issuer "https://www.facebook.com") is not enabled',
    });
  });

  it("generateLink for a sign-up keeps the user metadata exactly as given", async () => {
    const data = { plan: "pro", nested: { tags: ["a", "b"], count: 2 }, empty: null };
    const { data: link, error } = await adminClient().auth.admin.generateLink({
      type: "signup",
      email: uniqueEmail("link-metadata"),
      password: "a-long-password-1",
      options: { data },
    });
    expect(error).toBeNull();
    expect(link.user!.user_metadata).toEqual(data);
    const { data: fetched } = await adminClient().auth.admin.getUserById(link.user!.id);
    expect(fetched.user!.user_metadata).toEqual(data);
    expect(fetched.user!.identities![0]!.identity_data).toMatchObject({
      sub: link.user!.id,
      email: link.user!.email,
    });
  });
});

describe("the same features switched on in config.toml", () => {
  let stack: SpawnedStack;
  beforeAll(async () => {
    stack = await spawnStackWithConfig(
      [
        `project_id = "unbuilt-features"`,
        `[auth]`,
        `enable_manual_linking = true`,
        `[auth.passkey]`,
        `enabled = true`,
        `[auth.oauth_server]`,
        `enabled = true`,
        `[auth.web3.solana]`,
        `enabled = true`,
        `[auth.sms]`,
        `enable_signup = true`,
        `[auth.mfa.web_authn]`,
        `enroll_enabled = true`,
        `[auth.external.github]`,
        `enabled = true`,
        `[auth.third_party.firebase]`,
        `enabled = true`,
      ].join("\n"),
    );
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("says at start which are not implemented, and answers so rather than as if they were off", async () => {
    for (const setting of [
      "[auth.sms] enable_signup",
      "[auth.external.github] enabled",
      "[auth.third_party.firebase] enabled",
      "[auth.passkey] enabled",
      "[auth.oauth_server] enabled",
      "[auth.web3.solana] enabled",
      "[auth] enable_manual_linking",
      "[auth.mfa.web_authn] enroll_enabled or verify_enabled",
    ]) {
      expect(stack.output()).toContain(`WARN: ${setting} is set`);
    }
    const client = anonClient(stack);
    for (const { error } of [
      await client.auth.passkey.startAuthentication(),
      await client.auth.signInWithOtp({ phone: "+15555550123" }),
      await client.auth.signInWithWeb3({
        chain: "solana",
        message: "example.com wants you to sign in with your Solana account",
        signature: new Uint8Array(64),
      }),
    ]) {
      expect(answer(error)).toMatchObject({ status: 404, code: "feature_disabled" });
      expect(error!.message).toMatch(/is not implemented by the local stack$/);
    }
    const github = await authFetch("/authorize?provider=github", {}, stack);
    expect([github.status, github.body]).toMatchObject([
      404,
      {
        error_code: "feature_disabled",
        msg: "Sign-in with github is not implemented by the local stack",
      },
    ]);
    const githubToken = await client.auth.signInWithIdToken({
      provider: "github",
      token: "t",
    });
    expect(answer(githubToken.error)).toMatchObject({ status: 404, code: "feature_disabled" });
    // Ethereum stays off while only Solana is on.
    const ethereum = await authFetch(
      "/token?grant_type=web3",
      { method: "POST", json: { chain: "ethereum", message: "m", signature: "0x00" } },
      stack,
    );
    expect(ethereum.body).toMatchObject({
      error_code: "web3_provider_disabled",
      msg: "Ethereum Web3 provider is disabled",
    });
    // MFA with TOTP is off unless [auth.mfa.totp] enables it, as in the CLI's template.
    const email = uniqueEmail("mfa-off");
    const created = await adminClient(stack).auth.admin.createUser({
      email,
      password: "a-long-password-1",
      email_confirm: true,
    });
    expect(created.error).toBeNull();
    const member = await signedInClient({ email, password: "a-long-password-1" }, stack);
    const enroll = await member.auth.mfa.enroll({ factorType: "totp" });
    expect(answer(enroll.error)).toEqual({
      status: 422,
      code: "mfa_totp_enroll_not_enabled",
      message: "MFA enroll is disabled for TOTP",
    });
    const { session } = (await member.auth.getSession()).data;
    const webauthn = await authFetch(
      "/factors",
      {
        method: "POST",
        headers: { authorization: `Bearer ${session!.access_token}` },
        json: { factor_type: "webauthn" },
      },
      stack,
    );
    expect(webauthn.status).toBe(404);
    expect(webauthn.body).toMatchObject({
      error_code: "feature_disabled",
      msg: "MFA with WebAuthn factors is not implemented by the local stack",
    });
    // SAML has no switch in the CLI's config: it stays disabled.
    const { error } = await client.auth.signInWithSSO({ domain: "example.com" });
    expect(answer(error)).toMatchObject({ status: 404, code: "saml_provider_disabled" });
  });
});
