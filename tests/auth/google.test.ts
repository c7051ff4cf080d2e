import { createHash, randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  authFetch,
  fragmentOf,
  spawnStackWithConfig,
  ssrClient,
  uniqueEmail,
} from "../helpers/auth.ts";
import { startOidcProvider, type OidcProvider, type Person } from "../helpers/oidc-provider.ts";
import type { SpawnedStack } from "../../supabase/stack/spawn-stack.ts";

let google: OidcProvider;
let auth: SpawnedStack;

beforeAll(async () => {
  google = await startOidcProvider();
  auth = await spawnStackWithConfig(`
project_id = "auth-google"
[auth]
site_url = "http://127.0.0.1:3000"
additional_redirect_urls = ["http://127.0.0.1:3000/**"]
[auth.external.google]
enabled = true
client_id = "${google.clientId},pitlane-ios-client"
secret = "${google.clientSecret}"
url = "${google.issuer}"
`);
});

afterAll(async () => {
  await auth?.stop();
  await google?.close();
});

const person = (overrides: Partial<Person> = {}): Person => {
  const sub = `google-${randomUUID()}`;
  return {
    sub,
    email: uniqueEmail("google"),
    email_verified: true,
    name: "Grace Hopper",
    picture: "https://example.test/grace.png",
    ...overrides,
  };
};

/** Follows the browser's redirects from the stack to the provider and back, and returns where the app is sent. */
async function browserSignIn(authorizeUrl: string): Promise<URL> {
  const toProvider = await fetch(authorizeUrl, { redirect: "manual" });
  expect(toProvider.status).toBe(302);
  const toCallback = await fetch(toProvider.headers.get("location")!, { redirect: "manual" });
  const toApp = await fetch(toCallback.headers.get("location")!, { redirect: "manual" });
  expect(toApp.status).toBe(302);
  return new URL(toApp.headers.get("location")!);
}

describe("Google sign-in with redirects", () => {
  it("signInWithOAuth with PKCE through @supabase/ssr: authorize, provider, callback, exchangeCodeForSession", async () => {
    google.nextPerson = person();
    const { client } = ssrClient(auth);
    const { data } = await client.auth.signInWithOAuth({
      provider: "google",
      options: { redirectTo: "http://127.0.0.1:3000/auth/callback", skipBrowserRedirect: true },
    });
    const appUrl = await browserSignIn(data.url!);

    expect(google.lastAuthorize?.get("client_id")).toBe(google.clientId);
    expect(google.lastAuthorize?.get("redirect_uri")).toBe(`${auth.apiUrl}/auth/v1/callback`);
    expect(google.lastAuthorize?.get("scope")).toBe("email profile");
    expect(`${appUrl.origin}${appUrl.pathname}`).toBe("http://127.0.0.1:3000/auth/callback");
    const code = appUrl.searchParams.get("code");
    expect(code).toBeTruthy();

    const session = await client.auth.exchangeCodeForSession(code!);
    expect(session.error).toBeNull();
    expect(decodeJwt(session.data.session!.access_token).amr).toEqual([
      { method: "oauth", timestamp: expect.any(Number) },
    ]);
    expect(session.data.session?.provider_token).toMatch(/^provider-access-/);
    expect(session.data.user).toMatchObject({
      email: google.nextPerson.email,
      app_metadata: { provider: "google", providers: ["google"] },
      user_metadata: {
        full_name: "Grace Hopper",
        avatar_url: "https://example.test/grace.png",
        email_verified: true,
        sub: google.nextPerson.sub,
      },
    });
    expect(session.data.user?.identities?.[0]).toMatchObject({
      provider: "google",
      id: google.nextPerson.sub,
    });
    expect(session.data.user?.email_confirmed_at).toBeTruthy();
  });

  it("the implicit flow returns tokens in the URL fragment, and a second sign-in finds the same user", async () => {
    google.nextPerson = person();
    const first = await anonClient(auth).auth.signInWithOAuth({
      provider: "google",
      options: { redirectTo: "http://127.0.0.1:3000/", skipBrowserRedirect: true },
    });
    const fragment = fragmentOf(await browserSignIn(first.data.url!));
    expect(fragment.get("provider_token")).toMatch(/^provider-access-/);
    const client = anonClient(auth);
    const { data } = await client.auth.setSession({
      access_token: fragment.get("access_token")!,
      refresh_token: fragment.get("refresh_token")!,
    });
    const second = await anonClient(auth).auth.signInWithOAuth({
      provider: "google",
      options: { skipBrowserRedirect: true },
    });
    const again = fragmentOf(await browserSignIn(second.data.url!));
    const { data: same } = await anonClient(auth).auth.setSession({
      access_token: again.get("access_token")!,
      refresh_token: again.get("refresh_token")!,
    });
    expect(same.user?.id).toBe(data.user?.id);
  });

  it("links Google to an existing user with the same verified email", async () => {
    const email = uniqueEmail("linked");
    const created = await adminClient(auth).auth.admin.createUser({
      email,
      password: "some-password",
      email_confirm: true,
    });
    google.nextPerson = person({ email });
    const { data } = await anonClient(auth).auth.signInWithOAuth({
      provider: "google",
      options: { skipBrowserRedirect: true },
    });
    const fragment = fragmentOf(await browserSignIn(data.url!));
    const { data: session } = await anonClient(auth).auth.setSession({
      access_token: fragment.get("access_token")!,
      refresh_token: fragment.get("refresh_token")!,
    });
    expect(session.user?.id).toBe(created.data.user!.id);
    expect(session.user?.app_metadata.providers).toEqual(["email", "google"]);
    expect(session.user?.identities?.map((identity) => identity.provider)).toEqual([
      "email",
      "google",
    ]);
  });

  it("sends errors back to the app: a provider refusal, and an unknown state to the site URL", async () => {
    const { data } = await anonClient(auth).auth.signInWithOAuth({
      provider: "google",
      options: { redirectTo: "http://127.0.0.1:3000/login", skipBrowserRedirect: true },
    });
    const toProvider = await fetch(data.url!, { redirect: "manual" });
    const state = new URL(toProvider.headers.get("location")!).searchParams.get("state")!;
    const refused = await fetch(
      `${auth.apiUrl}/auth/v1/callback?error=access_denied&error_description=${encodeURIComponent("The user said no")}&state=${state}`,
      { redirect: "manual" },
    );
    const back = new URL(refused.headers.get("location")!);
    expect(back.pathname).toBe("/login");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toBe("The user said no");

    const unknown = await fetch(`${auth.apiUrl}/auth/v1/callback?code=x&state=${randomUUID()}`, {
      redirect: "manual",
    });
    expect(unknown.status).toBe(303);
    const site = new URL(unknown.headers.get("location")!);
    expect(site.origin).toBe("http://127.0.0.1:3000");
    expect(site.searchParams.get("error_code")).toBe("bad_oauth_state");
  });

  it("refuses providers that are not configured", async () => {
    const response = await authFetch("/authorize?provider=github", {}, auth);
    expect(response.status).toBe(400);
    expect(response.body.error_code).toBe("validation_failed");
  });
});

describe("signInWithIdToken (mobile)", () => {
  const idTokenGrant = (body: Record<string, unknown>) =>
    authFetch(
      "/token?grant_type=id_token",
      { method: "POST", json: { provider: "google", ...body } },
      auth,
    );

  it("signs in with a Google ID token whose nonce is the hash of the one the app sent", async () => {
    const nonce = randomUUID();
    const who = person();
    const token = await google.signIdToken(
      { ...who, nonce: createHash("sha256").update(nonce).digest("hex") },
      { audience: "pitlane-ios-client" },
    );
    const { data, error } = await anonClient(auth).auth.signInWithIdToken({
      provider: "google",
      token,
      nonce,
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email: who.email, app_metadata: { provider: "google" } });
    expect(decodeJwt(data.session!.access_token).amr).toEqual([
      { method: "oauth", timestamp: expect.any(Number) },
    ]);
  });

  it("refuses a bad signature, another audience or issuer, an expired token and a wrong nonce", async () => {
    const who = person();
    const cases: [
      string,
      Promise<string>,
      Record<string, unknown>,
      { error: string; error_description: string },
    ][] = [
      [
        "bad signature",
        google.signIdToken(who, { foreignKey: true }),
        {},
        { error: "invalid request", error_description: "Bad ID token" },
      ],
      [
        "wrong issuer",
        google.signIdToken(who, { issuer: "https://accounts.example" }),
        {},
        { error: "invalid request", error_description: "Bad ID token" },
      ],
      [
        "expired",
        google.signIdToken(who, { expiresInSeconds: -60 }),
        {},
        { error: "invalid request", error_description: "Bad ID token" },
      ],
      [
        "wrong audience",
        google.signIdToken(who, { audience: "someone-else" }),
        {},
        {
          error: "invalid request",
          error_description: "Unacceptable audience in id_token: [someone-else]",
        },
      ],
      [
        "wrong nonce",
        google.signIdToken({ ...who, nonce: createHash("sha256").update("a").digest("hex") }),
        { nonce: "b" },
        { error: "invalid nonce", error_description: "Nonces mismatch" },
      ],
      [
        "missing nonce",
        google.signIdToken({ ...who, nonce: "abc" }),
        {},
        {
          error: "invalid request",
          error_description: "Passed nonce and nonce in id_token should either both exist or not.",
        },
      ],
    ];
    for (const [label, token, extra, expected] of cases) {
      const response = await idTokenGrant({ id_token: await token, ...extra });
      expect(response.status, label).toBe(400);
      expect(response.body, label).toEqual(expected);
    }
    const missing = await idTokenGrant({});
    expect(missing.body).toEqual({
      error: "invalid request",
      error_description: "id_token required",
    });
  });
});
