import { readFile } from "node:fs/promises";
import path from "node:path";
import { importJWK, SignJWT, type CryptoKey, type JWK } from "jose";

/** The Supabase CLI's local JWT secret, so an app's local configuration carries over. */
export const defaultJwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

/** The CLI's fixed opaque keys (pkg/config/apikeys.go), which its gateway maps to anon / service_role. */
const defaultPublishableKey = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
const defaultSecretKey = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";

/** An asymmetric key of `[auth] signing_keys_path`: RS256 or ES256, named by its `kid`. */
export interface SigningKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  /** Its `key_ops` name "sign": GoTrue signs with that key. */
  signs: boolean;
  /** What GoTrue publishes for it at /.well-known/jwks.json: the public half, `use` sig, `key_ops` verify. */
  publicJwk: JWK;
}

export interface ApiKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
  /** Empty unless config.toml sets `signing_keys_path`. */
  signingKeys: SigningKey[];
  /** The key GoTrue signs with: the one whose `key_ops` has "sign", else the first (as the CLI signs its API keys). */
  currentKey: SigningKey | undefined;
}

const privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

async function signingKeyOf(jwk: JWK & { kid?: string }, file: string): Promise<SigningKey> {
  const where = `${file}: key ${jwk.kid ?? "(no kid)"}`;
  if (typeof jwk.kid !== "string" || jwk.kid === "") throw new Error(`${where} has no "kid"`);
  const alg: string | undefined =
    jwk.alg ?? (jwk.kty === "RSA" ? "RS256" : jwk.kty === "EC" ? "ES256" : undefined);
  if (alg !== "RS256" && alg !== "ES256")
    throw new Error(`${where}: only RS256 and ES256 keys are supported, not ${String(alg)}`);
  if (typeof jwk.d !== "string") throw new Error(`${where} is not a private key (no "d")`);
  let privateKey: CryptoKey;
  try {
    // WebCrypto refuses a private key whose key_ops include "verify"; the key's use is decided here.
    const { key_ops: _ops, use: _use, ext: _ext, ...material } = jwk;
    privateKey = (await importJWK({ ...material, alg }, alg)) as CryptoKey;
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
  const publicJwk: JWK = Object.fromEntries(
    Object.entries(jwk).filter(([member]) => !privateMembers.includes(member)),
  );
  return {
    kid: jwk.kid,
    alg,
    privateKey,
    signs: jwk.key_ops?.includes("sign") ?? false,
    publicJwk: { ...publicJwk, alg, use: "sig", key_ops: ["verify"] },
  };
}

/** Reads `[auth] signing_keys_path` (relative to config.toml's folder, as the CLI resolves it). */
export async function loadSigningKeys(file: string): Promise<SigningKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`failed to read signing keys ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new Error(
      `failed to decode signing keys ${file}: expected a non-empty JSON array of JWKs`,
    );
  return Promise.all(parsed.map((jwk) => signingKeyOf(jwk as JWK, file)));
}

export function resolveSigningKeysPath(configFile: string, signingKeysPath: string): string {
  return path.resolve(path.dirname(configFile), signingKeysPath);
}

/**
 * The CLI's API keys: `anon` and `service_role` tokens. HS256 with the secret expiring in 2032 as
 * today; with signing keys, signed by the current key (header `kid`) and valid for ten years.
 */
async function apiKey(
  role: "anon" | "service_role",
  secret: string,
  current: SigningKey | undefined,
): Promise<string> {
  if (!current) {
    return new SignJWT({ iss: "supabase-demo", role, exp: 1983812996 })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode(secret));
  }
  const tenYears = 10 * 365 * 24 * 3600;
  return new SignJWT({ iss: "supabase-demo", role, exp: Math.floor(Date.now() / 1000) + tenYears })
    .setProtectedHeader({ alg: current.alg, kid: current.kid, typ: "JWT" })
    .sign(current.privateKey);
}

export async function apiKeys(
  jwtSecret: string = defaultJwtSecret,
  signingKeys: SigningKey[] = [],
): Promise<ApiKeys> {
  const currentKey = signingKeys.find((key) => key.signs) ?? signingKeys[0];
  return {
    jwtSecret,
    anonKey: await apiKey("anon", jwtSecret, currentKey),
    serviceRoleKey: await apiKey("service_role", jwtSecret, currentKey),
    publishableKey: defaultPublishableKey,
    secretKey: defaultSecretKey,
    signingKeys,
    currentKey,
  };
}
