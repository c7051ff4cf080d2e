// The three ways a domain module reaches Pitlane (a table or view through PostgREST, an RPC, an
// edge function), each resolving to its data or throwing a PitlaneError. Types come from the
// generated Database: a migration that renames a column or an RPC argument an SDK call uses fails
// `npm run typecheck`.
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import type { z } from "zod";
import type { Database } from "../database.types.ts";
import { fromAuth, fromFunctions, fromPostgrest, fromZod, PitlaneError } from "./errors.ts";

export type PitlaneSupabase = SupabaseClient<Database>;

type Functions = Database["public"]["Functions"];
export type RpcName = keyof Functions;
export type Args<Name extends RpcName> = Functions[Name]["Args"];
export type Returns<Name extends RpcName> = Functions[Name]["Returns"];
export type Row<Table extends keyof Database["public"]["Tables"]> =
  Database["public"]["Tables"][Table]["Row"];
export type Insert<Table extends keyof Database["public"]["Tables"]> =
  Database["public"]["Tables"][Table]["Insert"];
export type Update<Table extends keyof Database["public"]["Tables"]> =
  Database["public"]["Tables"][Table]["Update"];

type Answer = { data: unknown; error: PostgrestError | null; status: number };

/** A PostgREST query's data (its success branch's type), or its error as a PitlaneError. */
export async function rows<Result extends Answer>(
  query: PromiseLike<Result>,
): Promise<Extract<Result, { error: null }>["data"]> {
  const { data, error, status } = await query;
  if (error) throw fromPostgrest(error, status);
  return data;
}

/** An RPC's result, its arguments typed by the generated Database. */
export function rpc<Name extends RpcName>(
  client: PitlaneSupabase,
  name: Name,
  args: Args<Name>,
): Promise<Returns<Name>> {
  // supabase-js's rpc() overloads do not resolve for a name that is still a type parameter; the
  // signature above is what keeps callers typed.
  const call = client.rpc.bind(client) as unknown as (
    name: string,
    args: unknown,
  ) => PromiseLike<{ data: Returns<Name>; error: null; status: number } | Answer>;
  return rows(call(name, args));
}

/** `value` checked against `schema` before it is sent: a 400 PitlaneError names the first problem. */
export function validate<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZod(parsed.error);
  return parsed.data;
}

export interface InvokeOptions {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
}

/**
 * An edge function's JSON answer (or a Blob for a file), its request body checked by the schema
 * the function itself parses with (`@pitlane/sdk/schemas`).
 */
export async function invoke<T>(
  client: PitlaneSupabase,
  path: string,
  body?: unknown,
  options: InvokeOptions = {},
): Promise<T> {
  const { data, error } = await client.functions.invoke<T>(path, {
    method: options.method ?? "POST",
    headers: options.headers,
    body: body as Record<string, unknown> | undefined,
  });
  if (error) throw await fromFunctions(error);
  return data as T;
}

/** The signed-in user's id, or a 401 PitlaneError when no one is signed in. */
export async function userId(client: PitlaneSupabase): Promise<string> {
  const { data, error } = await client.auth.getSession();
  if (error) throw fromAuth(error);
  const id = data.session?.user.id;
  if (!id) throw new PitlaneError(401, "not_signed_in", "sign in first", null, "auth");
  return id;
}
