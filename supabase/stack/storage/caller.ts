import type { IncomingMessage } from "node:http";
import { bearerToken } from "../http/credentials.ts";
import { importJWK, type JWTVerifyGetKey } from "jose";
import { JwtRejected, verifyJwt, type JwtRules, type VerificationKeys } from "../http/jwt.ts";
import type { Caller } from "./db.ts";
import { errors } from "./errors.ts";

const hmac = ["HS256", "HS384", "HS512"];

/**
 * storage-api's getJWTAlgorithms over the JWKS the CLI gives it (JWT_JWKS): without signing keys the
 * secret as an `oct` key, so HS256/384/512; with them only their public halves, so HS256 (the
 * configured algorithm) and each key type's three algorithms.
 */
function storageAlgorithms(keys: VerificationKeys): string[] {
  if (keys.signingKeys.length === 0) return hmac;
  const types = new Set(keys.signingKeys.map((key) => key.publicJwk.kty));
  return [
    "HS256",
    ...(types.has("RSA") ? ["RS256", "RS384", "RS512"] : []),
    ...(types.has("EC") ? ["ES256", "ES384", "ES512"] : []),
  ];
}

const storageKeys = new WeakMap<VerificationKeys, JWTVerifyGetKey>();

/**
 * storage-api's findJWKFromHeader: HMAC with the secret; an asymmetric token with the key of its
 * `kid`, type and algorithm, and without one with the secret again, which jose then refuses with the
 * message storage-api answers ("Key for the ES256 algorithm must be one of type CryptoKey, …").
 */
function storageKey(keys: VerificationKeys): JWTVerifyGetKey {
  let resolver = storageKeys.get(keys);
  if (!resolver) {
    const secret = new TextEncoder().encode(keys.jwtSecret);
    const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
    resolver = (header) => {
      if (hmac.includes(header.alg)) return secret;
      const type = header.alg.startsWith("ES") ? "EC" : "RSA";
      const key = keys.signingKeys.find(
        ({ publicJwk }) =>
          publicJwk.kid === header.kid &&
          publicJwk.kty === type &&
          (publicJwk.alg === undefined || publicJwk.alg === header.alg),
      );
      if (!key) return secret;
      let cryptoKey = imported.get(key.kid);
      if (!cryptoKey) imported.set(key.kid, (cryptoKey = importJWK(key.publicJwk, header.alg)));
      return cryptoKey;
    };
    storageKeys.set(keys, resolver);
  }
  return resolver;
}

/** storage-api verifies with jose's defaults: no clock skew at all. */
const storageRules: JwtRules = {
  algorithms: storageAlgorithms,
  key: storageKey,
  clockToleranceSeconds: 0,
};

const anonymous: Caller = {
  role: "anon",
  claims: { role: "anon" },
  owner: undefined,
  isAuthenticated: false,
};

/**
 * The caller of a storage request: the bearer token (the router forwards the apikey as one when
 * there is none); storage-api verifies it with jose and answers a missing or bad token with
 * AccessDenied and jose's message, except on the routes that also serve public buckets, where the
 * caller falls back to anon.
 */
export async function callerOf(
  req: IncomingMessage,
  keys: VerificationKeys,
  options: { allowAnonymous: boolean },
): Promise<Caller> {
  const token = bearerToken(req) ?? "";
  if (!token && options.allowAnonymous) return anonymous;
  try {
    const claims = await verifyJwt(token, keys, storageRules);
    const role = typeof claims.role === "string" && claims.role ? claims.role : "anon";
    return {
      role,
      claims,
      owner: typeof claims.sub === "string" ? claims.sub : undefined,
      isAuthenticated: true,
    };
  } catch (error) {
    if (!(error instanceof JwtRejected)) throw error;
    if (options.allowAnonymous) return anonymous;
    throw errors.accessDenied(error.message);
  }
}
