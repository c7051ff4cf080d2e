import { JwtRejected, verifyJwt, type VerificationKeys } from "../http/jwt.ts";

export type Claims = Record<string, unknown> & { role: string; exp: number; sub?: string };

export type TokenCheck =
  { ok: true; claims: Claims } | { ok: false; code: string; message: string };

const malformed = {
  ok: false,
  code: "MalformedJWT",
  message: "The token provided is not a valid JWT",
} as const;

function expired(exp: number): TokenCheck {
  return {
    ok: false,
    code: "InvalidJWTToken",
    message: `Token has expired ${Math.max(0, Math.round(Date.now() / 1000 - exp))} seconds ago`,
  };
}

/**
 * Verifies a JWT as Realtime does (the gateway's verification, then `role` and `exp` required and no
 * grace after `exp`) and words each failure with Realtime's code and message, which clients show.
 */
export async function checkToken(token: unknown, keys: VerificationKeys): Promise<TokenCheck> {
  if (typeof token !== "string" || token === "") return malformed;
  let claims: Record<string, unknown>;
  try {
    claims = await verifyJwt(token, keys);
  } catch (error) {
    if (!(error instanceof JwtRejected)) throw error;
    if (error.rejection.reason === "expired") return expired(error.rejection.exp);
    if (error.rejection.reason === "signature")
      return { ok: false, code: "JwtSignatureError", message: "Failed to validate JWT signature" };
    return malformed;
  }
  if (typeof claims.role !== "string" || typeof claims.exp !== "number") {
    return {
      ok: false,
      code: "InvalidJWTToken",
      message: "Fields `role` and `exp` are required in JWT",
    };
  }
  // The gateway allows PostgREST's 30 s of clock skew; Realtime closes channels at `exp` itself.
  if (expiresIn(claims as Claims) <= 0) return expired(claims.exp);
  return { ok: true, claims: claims as Claims };
}

/** Seconds until the token expires (negative once it has). */
export function expiresIn(claims: Claims): number {
  return claims.exp - Date.now() / 1000;
}
