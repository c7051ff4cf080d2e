import { createClient, type PostgrestError, type SupabaseClient, type User } from "@supabase/supabase-js";
import { HttpError, requireEnv } from "./http.ts";

const noSession = { auth: { persistSession: false, autoRefreshToken: false } };

/** Bypasses RLS: only for work the function has already authorized (webhooks, issuing files). */
export function adminClient(): SupabaseClient {
  return createClient(requireEnv("SUPABASE_URL"), requireEnv("SUPABASE_SERVICE_ROLE_KEY"), noSession);
}

/** Acts as the caller, so RLS and the RPCs' own checks decide what they may do. */
export function callerClient(req: Request): SupabaseClient {
  const authorization = req.headers.get("Authorization");
  if (!authorization) throw new HttpError(401, "unauthorized", "sign in first: the Authorization header is missing");
  return createClient(requireEnv("SUPABASE_URL"), requireEnv("SUPABASE_ANON_KEY"), {
    ...noSession,
    global: { headers: { Authorization: authorization } },
  });
}

const ptCodes: Record<string, string> = { "400": "rejected", "403": "forbidden", "404": "not_found", "409": "conflict" };

/**
 * A PostgREST error as the function's own: RPC refusals (P0001 → 400, 42501 → 403, no row or
 * P0002 → 404, PTxyz → xyz)
 * and a bad caller token (PGRST30x → 401) keep their message so the app can show it; anything
 * else is unexpected.
 */
export function fromPostgrest(error: PostgrestError): HttpError | Error {
  if (error.code?.startsWith("PGRST30")) return new HttpError(401, "unauthorized", error.message);
  if (error.code === "P0001" || error.code === "22023" || error.code === "23514") return new HttpError(400, "rejected", error.message);
  if (error.code === "42501") return new HttpError(403, "forbidden", error.message);
  if (error.code === "PGRST116" || error.code === "P0002") return new HttpError(404, "not_found", error.message);
  // PTxyz: the status PostgREST answers (PT409 → 409), an RPC's refusal in the new convention.
  const status = /^PT(4\d\d)$/.exec(error.code ?? "")?.[1];
  if (status) return new HttpError(Number(status), ptCodes[status] ?? "rejected", error.message);
  return new Error(`${error.code}: ${error.message}`);
}

/** The signed-in user behind `caller`'s token; 401 for the anon key or a token Auth refuses. */
export async function requireUser(caller: SupabaseClient): Promise<User> {
  const { data } = await caller.auth.getUser();
  if (!data.user) throw new HttpError(401, "unauthorized", "sign in first");
  return data.user;
}
