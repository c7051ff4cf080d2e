/**
 * What a request presents: the project's `apikey` and a bearer token. Supabase's API gateway (Kong)
 * checks the apikey and, on the routes of the APIs that read a JWT, forwards the apikey as the bearer
 * token of a request that carries none; the router does that once (see `forwardApikeyAsBearer`), so
 * a service reads only `bearerToken`.
 */
import type { IncomingMessage } from "node:http";
import type { ApiKeys } from "../config/keys.ts";
import { verifyJwt } from "./jwt.ts";

/** The `apikey` header, else the `apikey` query parameter (Kong's key-auth reads both). */
export function apikeyOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.apikey;
  return (
    (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("apikey") ?? undefined
  );
}

/**
 * The token of an `Authorization: Bearer <token>` header (the scheme in any case, as PostgREST reads
 * it); "" for a bare "Bearer", undefined for no header or another scheme.
 */
export function bearerToken(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization === undefined) return undefined;
  const match = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
  return match ? (match[1] ?? "").trim() : undefined;
}

/**
 * The CLI's gateway maps the opaque keys to the JWTs they stand for: `sb_secret_…` to the
 * service_role key and `sb_publishable_…` to the anon key; any other token passes as it is.
 */
export function tokenForKey(key: string, keys: ApiKeys): string {
  if (key === keys.secretKey) return keys.serviceRoleKey;
  if (key === keys.publishableKey) return keys.anonKey;
  return key;
}

/**
 * The CLI's gateway (its kong.yml `BearerToken`): an Authorization other than `Bearer sb_…` passes
 * as it is; otherwise the request's apikey becomes the bearer token, an opaque key as its JWT.
 * supabase-js sends an opaque key only as `apikey` to most services, but as the bearer to Auth.
 */
export function forwardApikeyAsBearer(req: IncomingMessage, url: URL, keys: ApiKeys): void {
  const bearer = bearerToken(req);
  if (bearer !== undefined && !bearer.startsWith("sb_")) return;
  const apikey = apikeyOf(req, url) ?? bearer;
  if (apikey) req.headers.authorization = `Bearer ${tokenForKey(apikey, keys)}`;
}

/**
 * For Auth, which reads the Authorization a client sent and gets no apikey in its place: only a
 * `Bearer sb_…` is replaced, by the JWT the opaque key stands for.
 */
export function mapOpaqueBearer(req: IncomingMessage, keys: ApiKeys): void {
  const bearer = bearerToken(req);
  if (bearer?.startsWith("sb_")) req.headers.authorization = `Bearer ${tokenForKey(bearer, keys)}`;
}

/** The gateway's refusal of a request without the project's apikey, in Kong's words. */
export class ApiKeyRejected extends Error {
  readonly status = 401;
  constructor(readonly body: { message: string; hint: string }) {
    super(body.message);
  }
}

/** An API key the project signed: an anon or service_role token verified by the secret or a signing key. */
async function isSignedApiKey(apikey: string, keys: ApiKeys): Promise<boolean> {
  try {
    const { role } = await verifyJwt(apikey, keys);
    return role === "anon" || role === "service_role";
  } catch {
    return false;
  }
}

/**
 * The gateway's key check, as Supabase's API gateway answers it: no `apikey` header (or `apikey`
 * query parameter) → 401 "No API key found in request"; a key that is not the project's → 401.
 * The project's keys are the legacy anon and service_role keys, any anon or service_role token
 * signed by the project's keys (as `supabase gen bearer-jwt` makes them), and the opaque keys.
 */
export async function checkApiKey(req: IncomingMessage, url: URL, keys: ApiKeys): Promise<void> {
  const apikey = apikeyOf(req, url);
  if (apikey === undefined || apikey === "") {
    throw new ApiKeyRejected({
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
  }
  const known = [keys.anonKey, keys.serviceRoleKey, keys.publishableKey, keys.secretKey];
  if (!known.includes(apikey) && !(await isSignedApiKey(apikey, keys))) {
    throw new ApiKeyRejected({
      message: "Invalid API key",
      hint: "Double check your Supabase `anon` or `service_role` API key.",
    });
  }
}
