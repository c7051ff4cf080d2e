// The service-role client: it bypasses row-level security, so its key must never reach a browser.
// It is a separate entry point (`@pitlane/sdk/admin`) that bundlers leave out of client code, and
// it refuses to load at all where there is a DOM.
import { createClient, type SupabaseClientOptions } from "@supabase/supabase-js";
import type { Database } from "../database.types.ts";
import { type PitlaneClient, withDomains } from "./index.ts";

if (typeof (globalThis as { document?: unknown }).document !== "undefined")
  throw new Error(
    "@pitlane/sdk/admin holds the service-role key and bypasses row-level security: import it only in server code",
  );

/** A client acting as the service role, for servers and scripts; no session is kept. */
export function createAdminPitlaneClient(
  url: string,
  serviceRoleKey: string,
  options: Omit<SupabaseClientOptions<"public">, "auth"> = {},
): PitlaneClient {
  return withDomains(
    createClient<Database>(url, serviceRoleKey, {
      ...options,
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    }),
  );
}
