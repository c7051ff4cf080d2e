/**
 * Who a request is: Supabase's gateway checks the `apikey` (the project's anon or service_role
 * key), then each API verifies the `Authorization: Bearer` JWT (or the apikey when there is none)
 * with the project's secret. The failures carry PostgREST's codes and wording, which supabase-js
 * apps see for REST and which the other services reuse.
 */
import type { IncomingMessage } from "node:http";
import { errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import type { ApiKeys } from "../config/keys.ts";

export type JwtClaims = JWTPayload & Record<string, unknown>;

export class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string>,
  ) {
    super(String(body.message));
  }
}

function jwtFailure(code: "PGRST301" | "PGRST303", message: string, details: string | null = null): AuthFailure {
  return new AuthFailure(
    401,
    { code, details, hint: null, message },
    { "WWW-Authenticate": `Bearer error="invalid_token", error_description=${JSON.stringify(message)}` },
  );
}

/**
 * The gateway's key check, as Supabase's API gateway answers it: no `apikey` header (or `apikey`
 * query parameter) → 401 "No API key found in request"; a key that is not the project's → 401.
 */
export function checkApiKey(req: IncomingMessage, url: URL, keys: ApiKeys): string {
  const header = req.headers.apikey;
  const apikey = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("apikey") ?? undefined;
  if (apikey === undefined || apikey === "") {
    throw new AuthFailure(401, { message: "No API key found in request", hint: "No `apikey` request header or url param was found." }, {});
  }
  if (apikey !== keys.anonKey && apikey !== keys.serviceRoleKey) {
    throw new AuthFailure(401, { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." }, {});
  }
  return apikey;
}

/** The bearer token of a request, or the apikey standing in for it as the gateway forwards it. */
export function requestToken(req: IncomingMessage, apikey: string): string {
  const authorization = req.headers.authorization;
  if (authorization === undefined) return apikey;
  const match = /^Bearer\s*(.*)$/i.exec(authorization.trim());
  return match ? match[1]!.trim() : apikey;
}

const allowedSkewSeconds = 30;

/**
 * Tokens already verified, as PostgREST's JWT cache keeps them: a client sends the same token with
 * every request, and HMAC verification through WebCrypto is the costliest step of a small request.
 * A hit is exactly what verifying again would answer: the signature and `nbf`/`iat` cannot stop
 * holding as time moves on, and `exp` is checked on every hit with jose's own rule.
 */
const verified = new Map<string, { secret: string; claims: JwtClaims; exp: number | undefined }>();
const verifiedLimit = 1000;

/** jose's expiry rule: expired once `exp <= now - tolerance`, in whole seconds. */
const hasExpired = (exp: number) => exp <= Math.floor(Date.now() / 1000) - allowedSkewSeconds;

/**
 * Verifies an HS256 token with the project secret; claims as PostgREST validates them (exp, nbf, iat,
 * with 30 s of skew). The claims are frozen: a verified token's claims are shared by its requests.
 */
export async function verifyJwt(token: string, secret: string): Promise<JwtClaims> {
  const hit = verified.get(token);
  if (hit && hit.secret === secret) {
    if (hit.exp === undefined || !hasExpired(hit.exp)) return hit.claims;
    verified.delete(token);
  }
  const claims = Object.freeze(await verifyUncached(token, secret));
  // The oldest entry makes room: Map iterates in insertion order.
  if (verified.size >= verifiedLimit) verified.delete(verified.keys().next().value!);
  verified.set(token, { secret, claims, exp: claims.exp });
  return claims;
}

async function verifyUncached(token: string, secret: string): Promise<JwtClaims> {
  if (token === "") throw jwtFailure("PGRST301", "Empty JWT is sent in Authorization header");
  const parts = token.split(".").length;
  if (parts !== 3) throw jwtFailure("PGRST301", `Expected 3 parts in JWT; got ${parts}`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256", "HS384", "HS512"],
      clockTolerance: allowedSkewSeconds,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw jwtFailure("PGRST303", "JWT expired");
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      if (error.reason === "invalid" && ["exp", "nbf", "iat"].includes(error.claim)) throw jwtFailure("PGRST303", `The JWT '${error.claim}' claim must be a number`);
      if (error.claim === "nbf") throw jwtFailure("PGRST303", "JWT not yet valid");
      if (error.claim === "iat") throw jwtFailure("PGRST303", "JWT issued at future");
      throw jwtFailure("PGRST303", "Parsing claims failed");
    }
    if (error instanceof joseErrors.JOSEAlgNotAllowed) throw jwtFailure("PGRST301", "Wrong or unsupported encoding algorithm");
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw jwtFailure("PGRST301", "JWT cryptographic operation failed");
    throw jwtFailure("PGRST301", "JWT couldn't be decoded");
  }
  for (const claim of ["exp", "nbf", "iat"] as const) {
    if (payload[claim] !== undefined && typeof payload[claim] !== "number") throw jwtFailure("PGRST303", `The JWT '${claim}' claim must be a number`);
  }
  return payload;
}
