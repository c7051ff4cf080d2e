import {
  createClient,
  type PostgrestError,
  type SupabaseClient,
  type User,
} from "@supabase/supabase-js";
import type { Database } from "../../clients/database.types.ts";

export type { Database };
import { HttpError, requireEnv } from "./http.ts";

/**
 * A client typed by the schema (clients/database.types.ts, made by `npm run gen:types`): a table,
 * column or RPC argument a migration removed or renamed fails `npm run typecheck` here.
 */
export type Client = SupabaseClient<Database>;

/** A table's row as the schema defines it. */
export type Row<Table extends keyof Database["public"]["Tables"]> =
  Database["public"]["Tables"][Table]["Row"];

const noSession = { auth: { persistSession: false, autoRefreshToken: false } };

/** Bypasses RLS: only for work the function has already authorized (webhooks, issuing files). */
export function adminClient(): Client {
  return createClient<Database>(
    requireEnv("SUPABASE_URL"),
    requireEnv("SUPABASE_SERVICE_ROLE_KEY"),
    noSession,
  );
}

/** Acts as the caller, so RLS and the RPCs' own checks decide what they may do. */
export function callerClient(req: Request): Client {
  const authorization = req.headers.get("Authorization");
  if (!authorization)
    throw new HttpError(401, "unauthorized", "sign in first: the Authorization header is missing");
  return createClient<Database>(requireEnv("SUPABASE_URL"), requireEnv("SUPABASE_ANON_KEY"), {
    ...noSession,
    global: { headers: { Authorization: authorization } },
  });
}

/** The function's error code for a 4xx status an RPC chose with SQLSTATE PTxyz (sql/README.md, "Errors"). */
const errorCodes: Record<string, string> = {
  "400": "rejected",
  "401": "unauthorized",
  "403": "forbidden",
  "404": "not_found",
  "409": "conflict",
};

/**
 * A PostgREST error as the function's own, with the status PostgREST gives the same SQLSTATE (its
 * "HTTP Status Codes" table), so that whatever the caller got wrong stays a 4xx with the database's
 * message: PTxyz → xyz; a bad caller token (PGRST30x) 401; 42501 403; no row (PGRST116) or P0002
 * 404; unique, exclusion and foreign-key violations 409; a refusal (P0001), a bad value (class 22:
 * out of range, invalid date, NUL character…), another constraint (class 23) or a request PostgREST
 * refused (PGRST1xx) 400. Anything else is the function's or the server's fault: a logged 500.
 */
export function fromPostgrest(error: PostgrestError): HttpError | Error {
  const code = error.code ?? "";
  const chosen = /^PT(4\d\d)$/.exec(code)?.[1];
  if (chosen) return new HttpError(Number(chosen), errorCodes[chosen] ?? "rejected", error.message);
  if (code.startsWith("PGRST30")) return new HttpError(401, "unauthorized", error.message);
  if (code === "42501") return new HttpError(403, "forbidden", error.message);
  if (code === "PGRST116" || code === "P0002")
    return new HttpError(404, "not_found", error.message);
  if (code === "23505" || code === "23P01" || code === "23503")
    return new HttpError(409, "conflict", error.message);
  if (
    code === "P0001" ||
    code.startsWith("22") ||
    code.startsWith("23") ||
    code.startsWith("PGRST1")
  )
    return new HttpError(400, "rejected", error.message);
  return new Error(`${code}: ${error.message}`);
}

/** The signed-in user behind `caller`'s token; 401 for the anon key or a token Auth refuses. */
export async function requireUser(caller: Client): Promise<User> {
  const { data } = await caller.auth.getUser();
  if (!data.user) throw new HttpError(401, "unauthorized", "sign in first");
  return data.user;
}
