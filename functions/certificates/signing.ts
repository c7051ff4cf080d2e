// The issuer key of the certificates function: signs Open Badges 3.0 credentials as VC-JWTs
// (Open Badges 3.0, "JSON Web Token Proof Format") and publishes the public half as a JWKS.
//
// The private key is a JWK in the CERTIFICATES_SIGNING_KEY secret: Ed25519 (alg EdDSA), P-256
// (ES256) or RSA (RS256, the algorithm every Open Badges verifier must support). It is read at
// request time, so a stack without it still serves everything else and answers 503 here.

import { calculateJwkThumbprint, importJWK, type JWK, SignJWT } from "jose";
import { HttpError } from "../_shared/http.ts";

export const SIGNING_KEY_ENV = "CERTIFICATES_SIGNING_KEY";
/** The JWKS route, under the function: GET /functions/v1/certificates/.well-known/jwks.json. */
export const JWKS_PATH = ".well-known/jwks.json";

export interface IssuerKey {
  /** The JOSE `alg` of the key. */
  alg: "EdDSA" | "ES256" | "RS256";
  /** The key's own id (its RFC 7638 thumbprint unless the JWK names one); the fragment of its URL. */
  kid: string;
  /** The public JWK as published (no private members), its `kid` the key's URL. */
  publicJwk: JWK;
  /** As jose imports it: its CryptoKey type, which stays jose's when Node's types are loaded too. */
  privateKey: Awaited<ReturnType<typeof importJWK>>;
}

/** The public members of each key type: everything else (d, p, q, dp, dq, qi, oth) stays private. */
const PUBLIC_MEMBERS: Record<string, string[]> = {
  OKP: ["kty", "crv", "x"],
  EC: ["kty", "crv", "x", "y"],
  RSA: ["kty", "n", "e"],
};

function algorithmOf(jwk: JWK): IssuerKey["alg"] | undefined {
  if (jwk.kty === "OKP" && jwk.crv === "Ed25519") return "EdDSA";
  if (jwk.kty === "EC" && jwk.crv === "P-256") return "ES256";
  if (jwk.kty === "RSA") return "RS256";
  return undefined;
}

function notConfigured(message: string): HttpError {
  return new HttpError(503, "signing_not_configured", message);
}

let cached: { source: string; key: Promise<IssuerKey> } | undefined;

async function loadKey(source: string): Promise<IssuerKey> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(source) as JWK;
  } catch {
    throw notConfigured(
      `${SIGNING_KEY_ENV} is not JSON: it must be a private JWK (see functions/.env.example)`,
    );
  }
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) {
    throw notConfigured(`${SIGNING_KEY_ENV} must be one private JWK object`);
  }
  const alg = algorithmOf(jwk);
  if (!alg)
    throw notConfigured(`${SIGNING_KEY_ENV} must be an Ed25519 (OKP), P-256 (EC) or RSA key`);
  if (jwk.alg !== undefined && jwk.alg !== alg)
    throw notConfigured(
      `${SIGNING_KEY_ENV} says alg ${jwk.alg}, but its key type signs with ${alg}`,
    );
  if (typeof jwk.d !== "string")
    throw notConfigured(`${SIGNING_KEY_ENV} has no private part ("d"): it must be the private JWK`);
  const members = jwk as Record<string, unknown>;
  const publicJwk = Object.fromEntries(
    PUBLIC_MEMBERS[jwk.kty!]!.flatMap((name) =>
      members[name] === undefined ? [] : [[name, members[name]]],
    ),
  ) as JWK;
  let privateKey: IssuerKey["privateKey"];
  try {
    privateKey = await importJWK({ ...jwk, alg }, alg);
  } catch (error) {
    throw notConfigured(
      `${SIGNING_KEY_ENV} is not a usable ${alg} key: ${(error as Error).message}`,
    );
  }
  const kid =
    typeof jwk.kid === "string" && jwk.kid !== ""
      ? jwk.kid
      : await calculateJwkThumbprint(publicJwk, "sha256");
  // In the JWKS the key's `kid` is the same URL the JWT header names, so both a verifier that
  // dereferences the URL and a JOSE library matching `kid` against a JWKS find it.
  return { alg, kid, publicJwk: { ...publicJwk, kid: keyUrl(kid), alg, use: "sig" }, privateKey };
}

/** The configured issuer key; 503 when CERTIFICATES_SIGNING_KEY is missing or unusable. */
export function issuerKey(): Promise<IssuerKey> {
  const source = Deno.env.get(SIGNING_KEY_ENV)?.trim();
  if (!source) {
    return Promise.reject(
      notConfigured(
        `Open Badges signing is not configured: set the ${SIGNING_KEY_ENV} secret to a private JWK (see functions/.env.example)`,
      ),
    );
  }
  if (cached?.source !== source) {
    const key = loadKey(source);
    // A bad key is reported on every request (and retried after the secret changes), not cached.
    key.catch(() => {
      if (cached?.key === key) cached = undefined;
    });
    cached = { source, key };
  }
  return cached.key;
}

/** Where the JWKS is served: the project's URL, as verifiers reach it, plus the function's route. */
function jwksUrl(): string {
  const base = (Deno.env.get("SUPABASE_URL") ?? "").replace(/\/+$/, "");
  return `${base}/functions/v1/certificates/${JWKS_PATH}`;
}

/** The JOSE `kid`: a URL that dereferences to the JWK (the JWKS, with the key's id as fragment). */
function keyUrl(kid: string): string {
  return `${jwksUrl()}#${encodeURIComponent(kid)}`;
}

export function jwks(key: IssuerKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}

interface Credential {
  id?: unknown;
  issuer?: unknown;
  validFrom?: unknown;
  validUntil?: unknown;
  credentialSubject?: unknown;
  [property: string]: unknown;
}

function seconds(value: unknown, name: string): number {
  const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw new Error(`the credential's ${name} is not a date: ${String(value)}`);
  return Math.floor(time / 1000);
}

function idOf(value: unknown): unknown {
  return typeof value === "string" ? value : (value as { id?: unknown } | null)?.id;
}

/**
 * The credential as a Compact JWS (Open Badges 3.0 with VCDM 2.0): the payload is the credential
 * itself plus the registered claims iss = issuer.id, jti = id, sub = credentialSubject.id,
 * nbf = validFrom and exp = validUntil when it has one; the header is { alg, kid, typ: "JWT" }.
 */
export async function signCredential(credential: Credential, key: IssuerKey): Promise<string> {
  const iss = idOf(credential.issuer);
  const sub = idOf(credential.credentialSubject);
  if (typeof iss !== "string" || typeof credential.id !== "string" || typeof sub !== "string") {
    throw new Error("the credential needs id, issuer.id and credentialSubject.id to be signed");
  }
  const jwt = new SignJWT(credential)
    .setProtectedHeader({ alg: key.alg, kid: keyUrl(key.kid), typ: "JWT" })
    .setIssuer(iss)
    .setJti(credential.id)
    .setSubject(sub)
    .setNotBefore(seconds(credential.validFrom, "validFrom"));
  if (credential.validUntil !== undefined && credential.validUntil !== null)
    jwt.setExpirationTime(seconds(credential.validUntil, "validUntil"));
  return jwt.sign(key.privateKey);
}
