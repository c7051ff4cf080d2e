import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import WebSocket from "ws";
import { stack, type TestUser } from "./db.ts";

/**
 * A supabase-js client as an app builds it. Node 20 has no global WebSocket, so realtime gets
 * `ws`; sessions are not persisted between tests.
 */
export function supabaseClient(
  key: string,
  options: { accessToken?: string; apiUrl?: string } = {},
): SupabaseClient {
  return createClient(options.apiUrl ?? stack().apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
    global: options.accessToken
      ? { headers: { Authorization: `Bearer ${options.accessToken}` } }
      : {},
  });
}

/** `claims` as an HS256 JWT, signed with the stack's secret unless another is given. */
export function signJwt(
  claims: Record<string, unknown>,
  secret = stack().jwtSecret,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/** An access token with Supabase Auth's claims for `user`, signed with the stack's secret. */
export async function accessTokenFor(
  user: Pick<TestUser, "claims">,
  expiresInSeconds = 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ ...user.claims, iat: now, exp: now + expiresInSeconds });
}
