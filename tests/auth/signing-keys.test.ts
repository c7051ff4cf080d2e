import { createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createClient } from "@supabase/supabase-js";
import { decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { projectRoot, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import {
  adminClient,
  anonClient,
  authFetch,
  ok,
  signedInClient,
  spawnStackWithConfig,
} from "../helpers/auth.ts";
import { withClient } from "../../supabase/stack/database/connection.ts";
import { sealed } from "../../supabase/stack/auth/encryption.ts";
import { stack as sharedStack } from "../helpers/db.ts";
import { signJwt } from "../helpers/supabase.ts";

/** A private JWK as `supabase gen signing-key` writes one. */
async function signingKey(alg: "RS256" | "ES256", kid: string, keyOps: string[]) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg, key_ops: keyOps, ext: true };
  return { jwk, privateKey, alg, kid };
}

type Key = Awaited<ReturnType<typeof signingKey>>;

const sign = (claims: Record<string, unknown>, key: Pick<Key, "alg" | "kid" | "privateKey">) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);

let rsa: Key;
let ec: Key;
/** Not in the stack's set: one with a kid of its own, one that reuses the EC key's kid. */
let stranger: Key;
let impostor: Key;
let stack: SpawnedStack;
let keysFile: string;
/** GoTrue's column encryption keys for this stack: 256 bits, base64url without padding. */
const encryptionKeys = {
  previous: randomBytes(32).toString("base64url"),
  current: randomBytes(32).toString("base64url"),
};

beforeAll(async () => {
  rsa = await signingKey("RS256", "rsa-current", ["sign", "verify"]);
  ec = await signingKey("ES256", "ec-previous", ["verify"]);
  stranger = await signingKey("ES256", "not-listed", ["sign", "verify"]);
  impostor = await signingKey("ES256", ec.kid, ["verify"]);
  keysFile = path.join(projectRoot, `node_modules/.cache/signing-keys-${process.pid}.json`);
  await writeFile(keysFile, JSON.stringify([rsa.jwk, ec.jwk]));
  stack = await spawnStackWithConfig(
    [
      `project_id = "signing-keys"`,
      `[auth]`,
      `signing_keys_path = ${JSON.stringify(keysFile)}`,
      `[auth.mfa.totp]`,
      `enroll_enabled = true`,
      `verify_enabled = true`,
    ].join("\n"),
    ["--functions", path.join(projectRoot, "tests/fixtures/functions")],
    // This stack also encrypts TOTP secrets, as GoTrue does with these variables set.
    {
      GOTRUE_SECURITY_DB_ENCRYPTION_ENCRYPT: "true",
      GOTRUE_SECURITY_DB_ENCRYPTION_ENCRYPTION_KEY_ID: "current",
      GOTRUE_SECURITY_DB_ENCRYPTION_ENCRYPTION_KEY: encryptionKeys.current,
      GOTRUE_SECURITY_DB_ENCRYPTION_DECRYPTION_KEYS: `previous:${encryptionKeys.previous},current:${encryptionKeys.current}`,
    },
  );
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (keysFile) await rm(keysFile, { force: true });
});

const now = () => Math.floor(Date.now() / 1000);

async function newUser() {
  const email = `keys-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const { data, error } = await adminClient(stack).auth.admin.createUser({
    email,
    password: "a-long-password-1",
    email_confirm: true,
  });
  expect(error).toBeNull();
  return { id: data.user!.id, email, password: "a-long-password-1" };
}

/** What each service answers a request carrying `token` as the bearer (with the anon key). */
async function answers(token: string, target: SpawnedStack = stack) {
  const headers = { apikey: target.anonKey, authorization: `Bearer ${token}` };
  const get = async (url: string) => (await fetch(`${target.apiUrl}${url}`, { headers })).status;
  const realtime = await new Promise<number>((resolve) => {
    const socket = new WebSocket(
      `${target.apiUrl.replace("http", "ws")}/realtime/v1/websocket?apikey=${token}&vsn=1.0.0`,
    );
    socket.on("open", () => {
      socket.close();
      resolve(101);
    });
    socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    socket.on("error", () => resolve(0));
  });
  return {
    rest: await get("/rest/v1/blog_categories?select=id&limit=1"),
    auth: await get("/auth/v1/user"),
    storage: await get("/storage/v1/bucket"),
    functions: await get("/functions/v1/echo"),
    realtime,
  };
}

describe("asymmetric JWT signing keys ([auth] signing_keys_path)", () => {
  it("prints the opaque keys beside the API keys, which the current key signs", () => {
    expect(stack.publishableKey).toBe("sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH");
    expect(stack.secretKey).toBe("sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz");
    for (const key of [stack.anonKey, stack.serviceRoleKey]) {
      expect(decodeProtectedHeader(key)).toEqual({ alg: "RS256", kid: rsa.kid, typ: "JWT" });
    }
    expect(decodeProtectedHeader(sharedStack().anonKey)).toEqual({ alg: "HS256", typ: "JWT" });
  });

  it("publishes the public keys at /auth/v1/.well-known/jwks.json, and none without a key set", async () => {
    const published = await authFetch("/.well-known/jwks.json", {}, stack);
    expect(published.status).toBe(200);
    expect(published.headers.get("cache-control")).toBe("public, max-age=600");
    const keys = published.body.keys as JWK[];
    expect(keys.map((key) => [key.kid, key.alg, key.use, key.key_ops])).toEqual([
      [rsa.kid, "RS256", "sig", ["verify"]],
      [ec.kid, "ES256", "sig", ["verify"]],
    ]);
    for (const key of keys) {
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"])
        expect(key).not.toHaveProperty(secret);
    }
    // OpenID discovery points at the same keys, as GoTrue's (served with the OAuth server off).
    const discovery = await fetch(`${stack.apiUrl}/auth/v1/.well-known/openid-configuration`);
    const document = (await discovery.json()) as { issuer: string; jwks_uri: string };
    expect(document.issuer).toBe(`${stack.apiUrl}/auth/v1`);
    expect(document.jwks_uri).toBe(`${stack.apiUrl}/auth/v1/.well-known/jwks.json`);
    const fromDiscovery = (await (await fetch(document.jwks_uri)).json()) as { keys: JWK[] };
    expect(fromDiscovery.keys).toEqual(keys);
    const none = await authFetch("/.well-known/jwks.json");
    expect(none.body).toEqual({ keys: [] });
  });

  it("signs access tokens with the current key, which getClaims() verifies locally through the JWKS", async () => {
    const user = await newUser();
    const calls: string[] = [];
    const client = createClient(stack.apiUrl, stack.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
      global: {
        fetch: (input, init) => {
          calls.push(new URL(input instanceof Request ? input.url : input.toString()).pathname);
          return fetch(input, init);
        },
      },
    });
    const signIn = await client.auth.signInWithPassword({
      email: user.email,
      password: user.password,
    });
    expect(signIn.error).toBeNull();
    expect(decodeProtectedHeader(signIn.data.session!.access_token)).toEqual({
      alg: "RS256",
      kid: rsa.kid,
      typ: "JWT",
    });
    calls.length = 0;
    const { claims } = ok(await client.auth.getClaims());
    expect(claims.sub).toBe(user.id);
    expect(claims.aal).toBe("aal1");
    expect(calls).toEqual(["/auth/v1/.well-known/jwks.json"]);
    expect(calls).not.toContain("/auth/v1/user");
  });

  it("has every service accept tokens of any listed key and legacy HS256, and refuse any other key", async () => {
    const user = await newUser();
    const claims = {
      sub: user.id,
      role: "authenticated",
      aud: "authenticated",
      email: user.email,
      iat: now(),
      exp: now() + 600,
    };
    const accepted = { rest: 200, auth: 200, storage: 200, functions: 200, realtime: 101 };
    expect(await answers(await sign(claims, rsa))).toEqual(accepted);
    expect(await answers(await sign(claims, ec))).toEqual(accepted);
    expect(await answers(await signJwt(claims, stack.jwtSecret))).toEqual(accepted);
    const refused = { rest: 401, auth: 403, storage: 400, functions: 401, realtime: 401 };
    // Auth words each refusal as GoTrue's keyfunc and golang-jwt do.
    const userWith = async (token: string) =>
      (await authFetch("/user", { headers: { authorization: `Bearer ${token}` } }, stack)).body;
    expect(await userWith(await sign(claims, stranger))).toMatchObject({
      error_code: "bad_jwt",
      msg: "invalid JWT: unable to parse or verify signature, token is unverifiable: error while executing keyfunc: unrecognized JWT kid not-listed for algorithm ES256",
    });
    expect(await userWith(await sign(claims, impostor))).toMatchObject({
      error_code: "bad_jwt",
      msg: "invalid JWT: unable to parse or verify signature, token signature is invalid: crypto/ecdsa: verification error",
    });
    expect(await answers(await sign(claims, stranger))).toEqual(refused);
    expect(await answers(await sign(claims, impostor))).toEqual(refused);
    // Storage words them as storage-api does: a kid it does not hold falls back to the JWT secret,
    // which jose refuses for ES256; with signing keys HS256 is its only HMAC algorithm.
    const storageRefusal = async (token: string) => {
      const response = await fetch(`${stack.apiUrl}/storage/v1/bucket`, {
        headers: { apikey: stack.anonKey, authorization: `Bearer ${token}` },
      });
      return ((await response.json()) as { message: string }).message;
    };
    expect(await storageRefusal(await sign(claims, stranger))).toBe(
      "Key for the ES256 algorithm must be one of type CryptoKey, KeyObject, or JSON Web Key. Received an instance of Uint8Array",
    );
    expect(await storageRefusal(await sign(claims, impostor))).toBe(
      "signature verification failed",
    );
    const hs384 = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS384" })
      .sign(new TextEncoder().encode(stack.jwtSecret));
    expect(await storageRefusal(hs384)).toBe(
      '"alg" (Algorithm) Header Parameter value not allowed',
    );
    // The shared stack, without signing keys, knows no asymmetric token at all.
    expect(await answers(await sign(claims, rsa), sharedStack() as SpawnedStack)).toMatchObject({
      rest: 401,
      auth: 403,
      storage: 400,
      realtime: 401,
    });
  });

  it("accepts API keys signed by a listed key as apikey, and refuses one of another key", async () => {
    const apiKey = (key: Key) =>
      sign({ iss: "supabase-demo", role: "anon", exp: now() + 3600 }, key);
    const status = async (key: string) =>
      (
        await fetch(`${stack.apiUrl}/rest/v1/blog_categories?select=id&limit=1`, {
          headers: { apikey: key },
        })
      ).status;
    expect(await status(await apiKey(ec))).toBe(200);
    const refused = await fetch(`${stack.apiUrl}/rest/v1/blog_categories?select=id`, {
      headers: { apikey: await apiKey(stranger) },
    });
    expect(refused.status).toBe(401);
    expect((await refused.json()).message).toBe("Invalid API key");
  });

  it("maps the opaque publishable and secret keys to anon and service_role, as the CLI's gateway does", async () => {
    const publishable = anonClient({ ...stack, anonKey: stack.publishableKey });
    ok(await publishable.from("blog_categories").select("id").limit(1));
    // profiles are for signed-in people: the publishable key is anon, the secret key service_role.
    const asAnon = await publishable.from("profiles").select("id").limit(1);
    expect(asAnon.error?.code).toBe("42501");
    const secret = adminClient({ ...stack, serviceRoleKey: stack.secretKey });
    ok(await secret.from("profiles").select("id").limit(1));
    const listed = await secret.auth.admin.listUsers();
    expect(listed.error).toBeNull();
    expect(listed.data.users.length).toBeGreaterThan(0);
    ok(await secret.storage.listBuckets());
    // An anon client cannot use the admin API, whichever key form it holds.
    const { error } = await publishable.auth.admin.listUsers();
    expect(error?.status).toBe(403);
    // A function called with the publishable key gets the anon JWT, and both keys in its environment.
    const echoed = await publishable.functions.invoke("echo");
    expect(echoed.error).toBeNull();
    expect(echoed.data).toMatchObject({
      authorization: `Bearer ${stack.anonKey}`,
      env: {
        SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: stack.publishableKey }),
        SUPABASE_SECRET_KEYS: JSON.stringify({ default: stack.secretKey }),
      },
    });
    // An opaque key that is not the project's is refused by the gateway.
    const unknown = await fetch(`${stack.apiUrl}/rest/v1/blog_categories`, {
      headers: { apikey: "sb_publishable_not-this-project" },
    });
    expect(unknown.status).toBe(401);
  });
});

describe("TOTP secrets at rest, encrypted as GoTrue does with GOTRUE_SECURITY_DB_ENCRYPTION_*", () => {
  const storedSecret = (factorId: string) =>
    withClient(stack.dbUrl, async (db) => {
      const { rows } = await db.query<{ secret: string }>(
        "select secret from auth.mfa_factors where id = $1",
        [factorId],
      );
      return rows[0]!.secret;
    });
  const setStoredSecret = (factorId: string, secret: string) =>
    withClient(stack.dbUrl, (db) =>
      db.query("update auth.mfa_factors set secret = $2 where id = $1", [factorId, secret]),
    );
  /** GoTrue's crypto.EncryptedString.Decrypt, written out: HKDF-SHA256 on the row id, AES-256-GCM. */
  const decrypt = (factorId: string, stored: string) => {
    const { key_id, data, nonce } = JSON.parse(stored) as Record<string, string>;
    const key = hkdfSync(
      "sha256",
      Buffer.from(encryptionKeys[key_id as keyof typeof encryptionKeys], "base64url"),
      Buffer.alloc(0),
      factorId,
      32,
    );
    const bytes = Buffer.from(data!, "base64");
    const decipher = createDecipheriv(
      "aes-256-gcm",
      Buffer.from(key),
      Buffer.from(nonce!, "base64"),
    );
    decipher.setAuthTag(bytes.subarray(-16));
    return Buffer.concat([decipher.update(bytes.subarray(0, -16)), decipher.final()]).toString();
  };
  const codeFor = (secret: string) =>
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate();

  it("stores a new factor's secret encrypted under the current key and verifies through it", async () => {
    const client = await signedInClient(await newUser(), stack);
    const factor = ok(await client.auth.mfa.enroll({ factorType: "totp", friendlyName: "app" }));
    const stored = await storedSecret(factor.id);
    expect(JSON.parse(stored)).toEqual({
      key_id: "current",
      alg: "aes-gcm-hkdf",
      data: expect.any(String),
      nonce: expect.any(String),
    });
    expect(decrypt(factor.id, stored)).toBe(factor.totp.secret);
    const session = ok(
      await client.auth.mfa.challengeAndVerify({
        factorId: factor.id,
        code: codeFor(factor.totp.secret),
      }),
    );
    expect(decodeProtectedHeader(session.access_token).kid).toBe(rsa.kid);
    expect((await client.auth.mfa.getAuthenticatorAssuranceLevel()).data?.currentLevel).toBe(
      "aal2",
    );
  });

  it("reads secrets stored in plain text or under an earlier key, and re-encrypts them after a verification", async () => {
    const client = await signedInClient(await newUser(), stack);
    const earlier = {
      encrypt: true,
      keyId: "previous",
      key: encryptionKeys.previous,
      decryptionKeys: {},
    };
    const stores = {
      "plain text": (_: string, secret: string) => secret,
      "an earlier key": (id: string, secret: string) => sealed(earlier, id, secret),
    };
    for (const [friendlyName, store] of Object.entries(stores)) {
      const factor = ok(await client.auth.mfa.enroll({ factorType: "totp", friendlyName }));
      await setStoredSecret(factor.id, store(factor.id, factor.totp.secret));
      ok(
        await client.auth.mfa.challengeAndVerify({
          factorId: factor.id,
          code: codeFor(factor.totp.secret),
        }),
      );
      const stored = await storedSecret(factor.id);
      expect((JSON.parse(stored) as { key_id: string }).key_id).toBe("current");
      expect(decrypt(factor.id, stored)).toBe(factor.totp.secret);
    }
  });
});
