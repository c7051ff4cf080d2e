/**
 * What a request presents: the project's `apikey` and a bearer token. Supabase's API gateway (Kong)
 * checks the apikey and, on the routes of the APIs that read a JWT, forwards the apikey as the bearer
 * token of a request that carries none; the router does that once (see `forwardApikeyAsBearer`), so
 * a service reads only `bearerToken`.
 */
import type { IncomingMessage } from "node:http";
import type { ApiKeys } from "../config/keys.ts";

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

/** Kong's request transformer: a request without a bearer token gets its apikey as one. */
export function forwardApikeyAsBearer(req: IncomingMessage, url: URL): void {
  if (bearerToken(req) !== undefined) return;
  const apikey = apikeyOf(req, url);
  if (apikey) req.headers.authorization = `Bearer ${apikey}`;
}

/** The gateway's refusal of a request without the project's apikey, in Kong's words. */
export class ApiKeyRejected extends Error {
  readonly status = 401;
  constructor(readonly body: { message: string; hint: string }) {
    super(body.message);
  }
}

/**
 * The gateway's key check, as Supabase's API gateway answers it: no `apikey` header (or `apikey`
 * query parameter) → 401 "No API key found in request"; a key that is not the project's → 401.
 */
export function checkApiKey(req: IncomingMessage, url: URL, keys: ApiKeys): void {
  const apikey = apikeyOf(req, url);
  if (apikey === undefined || apikey === "") {
    throw new ApiKeyRejected({
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
  }
  if (apikey !== keys.anonKey && apikey !== keys.serviceRoleKey) {
    throw new ApiKeyRejected({
      message: "Invalid API key",
      hint: "Double check your Supabase `anon` or `service_role` API key.",
    });
  }
}
