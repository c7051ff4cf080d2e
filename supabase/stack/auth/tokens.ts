import { KeyObject } from "node:crypto";
import { createSigner } from "fast-jwt";
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { ApiKeys } from "../config/keys.ts";
import { acceptedAlgorithms, keyResolver } from "../http/jwt.ts";
import { forbidden } from "./errors.ts";
import type { User } from "./users.ts";

/** One entry of the `amr` claim: how and when the session was authenticated. */
export interface AmrEntry {
  method: string;
  timestamp: number;
}

/** The claims of a Supabase access token, in the order GoTrue writes them. */
export interface AccessTokenClaims extends JWTPayload {
  aud: string;
  exp: number;
  iat: number;
  iss: string;
  sub: string;
  email: string;
  phone: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  role: string;
  aal: string;
  amr: AmrEntry[];
  session_id: string;
  is_anonymous: boolean;
}

export interface TokenSigner {
  sign(
    user: User,
    session: { id: string; aal: string; amr: AmrEntry[] },
  ): Promise<{ token: string; expiresAt: number }>;
  /** Verifies a token signed with the project secret or a signing key and returns its claims. */
  verify(token: string): Promise<JWTPayload>;
}

/** golang-jwt's wording, which GoTrue puts after "invalid JWT: unable to parse or verify signature, ". */
function describeJwtFailure(error: unknown, token: string): string {
  if (error instanceof joseErrors.JWTExpired) return "token has invalid claims: token is expired";
  let header: { alg?: string; kid?: string } = {};
  try {
    header = decodeProtectedHeader(token);
  } catch {
    // not a JWT: the error below says so
  }
  // GoTrue's keyfunc: a kid it does not hold, and no HS256 to fall back on.
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return `token is unverifiable: error while executing keyfunc: unrecognized JWT kid ${header.kid ?? "<nil>"} for algorithm ${header.alg ?? "<nil>"}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    const cause =
      header.alg === "ES256"
        ? "crypto/ecdsa: verification error"
        : header.alg === "RS256"
          ? "crypto/rsa: verification error"
          : "signature is invalid";
    return `token signature is invalid: ${cause}`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed)
    return "token is unverifiable: signing method not allowed";
  return `token is malformed: ${(error as Error).message}`;
}

/**
 * GoTrue's signer: with signing keys, the current one (header `kid`); else HS256 with the secret.
 * It verifies what every service accepts (GOTRUE_JWT_VALID_METHODS=HS256,RS256,ES256 in the CLI).
 */
export function tokenSigner(options: {
  keys: ApiKeys;
  issuer: string;
  expirySeconds: number;
}): TokenSigner {
  const current = options.keys.currentKey;
  // Signed synchronously with node:crypto: jose signs through WebCrypto, whose every call is a job
  // on libuv's thread pool and a wake-up of the event loop when it is done, a cost in the latency of
  // each token grant. The key is prepared once, not imported again for every token.
  const signClaims = createSigner(
    current
      ? {
          algorithm: current.alg,
          key: KeyObject.from(current.privateKey)
            .export({ type: "pkcs8", format: "pem" })
            .toString(),
          kid: current.kid,
        }
      : { algorithm: "HS256", key: options.keys.jwtSecret },
  );
  return {
    sign(user, session) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAt = issuedAt + options.expirySeconds;
      const claims: AccessTokenClaims = {
        aud: user.aud,
        exp: expiresAt,
        iat: issuedAt,
        iss: options.issuer,
        sub: user.id,
        email: user.email ?? "",
        phone: user.phone ?? "",
        app_metadata: user.raw_app_meta_data ?? {},
        user_metadata: user.raw_user_meta_data ?? {},
        role: user.role,
        aal: session.aal,
        amr: session.amr,
        session_id: session.id,
        is_anonymous: user.is_anonymous,
      };
      return Promise.resolve({ token: signClaims(claims), expiresAt });
    },
    async verify(token) {
      try {
        return (
          await jwtVerify(token, keyResolver(options.keys), {
            algorithms: acceptedAlgorithms(options.keys),
          })
        ).payload;
      } catch (error) {
        throw forbidden(
          "bad_jwt",
          `invalid JWT: unable to parse or verify signature, ${describeJwtFailure(error, token)}`,
        );
      }
    },
  };
}
