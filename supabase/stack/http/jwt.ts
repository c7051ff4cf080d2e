/**
 * JWT verification for every service: HS256/384/512 with the project's secret and, when config.toml
 * sets `[auth] signing_keys_path`, RS256/ES256 with any listed key (by `kid`), the claims checked as
 * PostgREST checks them. A failure is a reason code, which each service words in its upstream's
 * vocabulary (PostgREST's PGRST30x, Realtime's codes, the edge runtime's "Invalid JWT"…).
 */
import {
  createLocalJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import type { ApiKeys } from "../config/keys.ts";

/** What verifies a token: the JWT secret and the signing keys' public halves. */
export type VerificationKeys = Pick<ApiKeys, "jwtSecret" | "signingKeys">;

export type JwtClaims = JWTPayload & Record<string, unknown>;

/** Why a token was refused. */
export type JwtRejection =
  | { reason: "empty" }
  | { reason: "parts"; parts: number }
  | { reason: "expired"; exp: number }
  | { reason: "claim-not-number"; claim: "exp" | "nbf" | "iat" }
  | { reason: "not-yet-valid" }
  | { reason: "issued-in-future" }
  | { reason: "bad-claims" }
  | { reason: "algorithm" }
  | { reason: "signature" }
  | { reason: "undecodable" };

export class JwtRejected extends Error {
  /** `message` is jose's wording of the failure, which storage-api (itself on jose) answers with. */
  constructor(
    readonly rejection: JwtRejection,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How a service verifies: which algorithms it accepts, which key verifies a token, and how much clock
 * skew it allows. Services differ: PostgREST allows 30 s, storage-api (jose's default) none.
 */
export interface JwtRules {
  algorithms(keys: VerificationKeys): string[];
  key(keys: VerificationKeys): JWTVerifyGetKey;
  clockToleranceSeconds: number;
}

/**
 * Tokens already verified, per rules, as PostgREST's JWT cache keeps them: a client sends the same
 * token with every request, and HMAC verification through WebCrypto is the costliest step of a small
 * request. A hit is exactly what verifying again would answer: the signature and `nbf`/`iat` cannot
 * stop holding as time moves on, and `exp` is checked on every hit with jose's own rule.
 */
const verifiedByRules = new WeakMap<
  JwtRules,
  Map<string, { keys: VerificationKeys; claims: JwtClaims; exp: number | undefined }>
>();
const verifiedLimit = 1000;

/** jose's expiry rule: expired once `exp <= now - tolerance`, in whole seconds. */
const hasExpired = (exp: number, tolerance: number) =>
  exp <= Math.floor(Date.now() / 1000) - tolerance;

/**
 * Verifies a token signed with the project secret or a listed signing key; by default with
 * PostgREST's rules (exp, nbf, iat, with 30 s of skew). The claims are frozen: a verified token's
 * claims are shared by its requests. Throws JwtRejected.
 */
export async function verifyJwt(
  token: string,
  keys: VerificationKeys,
  rules: JwtRules = postgrestRules,
): Promise<JwtClaims> {
  let verified = verifiedByRules.get(rules);
  if (!verified) verifiedByRules.set(rules, (verified = new Map()));
  const hit = verified.get(token);
  if (hit && hit.keys === keys) {
    if (hit.exp === undefined || !hasExpired(hit.exp, rules.clockToleranceSeconds))
      return hit.claims;
    verified.delete(token);
  }
  const claims = Object.freeze(await verifyUncached(token, keys, rules));
  // The oldest entry makes room: Map iterates in insertion order.
  if (verified.size >= verifiedLimit) verified.delete(verified.keys().next().value!);
  verified.set(token, { keys, claims, exp: claims.exp });
  return claims;
}

/** What jose answers for a token that is not three dot-separated parts. */
const notCompact = "Invalid Compact JWS";

const symmetric = ["HS256", "HS384", "HS512"];

/** The algorithms a stack accepts: HS* always, RS256/ES256 only once signing keys are configured. */
export function acceptedAlgorithms(keys: VerificationKeys): string[] {
  return keys.signingKeys.length === 0 ? symmetric : [...symmetric, "RS256", "ES256"];
}

const resolvers = new WeakMap<VerificationKeys, JWTVerifyGetKey>();

/** HS* tokens verify with the secret; others with the signing key their header's `kid` names. */
export function keyResolver(keys: VerificationKeys): JWTVerifyGetKey {
  let resolver = resolvers.get(keys);
  if (!resolver) {
    const secret = new TextEncoder().encode(keys.jwtSecret);
    const jwks = createLocalJWKSet({ keys: keys.signingKeys.map((key) => key.publicJwk) });
    resolver = (header, token) => (symmetric.includes(header.alg) ? secret : jwks(header, token));
    resolvers.set(keys, resolver);
  }
  return resolver;
}

/** PostgREST's: HS256/384/512 with the secret, RS256/ES256 by `kid`, 30 s of clock skew. */
export const postgrestRules: JwtRules = {
  algorithms: acceptedAlgorithms,
  key: keyResolver,
  clockToleranceSeconds: 30,
};

async function verifyUncached(
  token: string,
  keys: VerificationKeys,
  rules: JwtRules,
): Promise<JwtClaims> {
  if (token === "") throw new JwtRejected({ reason: "empty" }, notCompact);
  const parts = token.split(".").length;
  if (parts !== 3) throw new JwtRejected({ reason: "parts", parts }, notCompact);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, rules.key(keys), {
      algorithms: rules.algorithms(keys),
      clockTolerance: rules.clockToleranceSeconds,
    }));
  } catch (error) {
    throw new JwtRejected(rejectionOf(error), (error as Error).message);
  }
  for (const claim of ["exp", "nbf", "iat"] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== "number") {
      throw new JwtRejected(
        { reason: "claim-not-number", claim },
        `"${claim}" claim must be a number`,
      );
    }
  }
  return payload;
}

function rejectionOf(error: unknown): JwtRejection {
  if (error instanceof joseErrors.JWTExpired)
    return { reason: "expired", exp: Number(error.payload.exp) };
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (
      error.reason === "invalid" &&
      (error.claim === "exp" || error.claim === "nbf" || error.claim === "iat")
    )
      return { reason: "claim-not-number", claim: error.claim };
    if (error.claim === "nbf") return { reason: "not-yet-valid" };
    if (error.claim === "iat") return { reason: "issued-in-future" };
    return { reason: "bad-claims" };
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return { reason: "algorithm" };
  // A key the set does not hold fails like a wrong signature, as PostgREST's JWKS lookup does.
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  )
    return { reason: "signature" };
  return { reason: "undecodable" };
}
