// The three ways a domain module reaches Pitlane (a table or view through PostgREST, an RPC, an
// edge function), each resolving to its data or throwing a PitlaneError. Types come from the
// generated Database: a migration that renames a column or an RPC argument an SDK call uses fails
// `npm run typecheck`, and so does a column named inside a select() or order() string that the
// table does not have (see `rows` and `sorted`).
import type {
  PostgrestError,
  PostgrestTransformBuilder,
  SupabaseClient,
} from "@supabase/supabase-js";
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

/**
 * Whether `T` (rows, a row, an embed, a few levels down) holds the error type supabase-js's
 * select-string parser puts where a column or relation does not exist. supabase-js itself only
 * types the data as that error; it does not refuse to compile.
 */
type HasSelectError<T, Depth extends unknown[] = []> = Depth["length"] extends 4
  ? false
  : T extends { error: true }
    ? true
    : T extends readonly (infer Item)[]
      ? HasSelectError<Item, [...Depth, 0]>
      : T extends object
        ? true extends { [K in keyof T]-?: HasSelectError<T[K], [...Depth, 0]> }[keyof T]
          ? true
          : false
        : false;

type SelectChecked<Result> =
  HasSelectError<
    Extract<Result, { error: null }> extends { data: infer Data } ? Data : never
  > extends true
    ? { "select() names a column or relation the table does not have": never }
    : unknown;

/**
 * A PostgREST query's data (its success branch's type), or its error as a PitlaneError. A query
 * whose select() string names something that does not exist does not compile.
 */
export function rows<Result extends Answer>(
  query: PromiseLike<Result> & SelectChecked<Result>,
): Promise<Extract<Result, { error: null }>["data"]> {
  return unwrap(query);
}

async function unwrap<Result extends Answer>(
  query: PromiseLike<Result>,
): Promise<Extract<Result, { error: null }>["data"]> {
  const { data, error, status } = await query;
  if (error) throw fromPostgrest(error, status);
  return data;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- any builder: only its row type is read */
type Sortable = PostgrestTransformBuilder<any, any, any, any, any, any, any, any>;
type RowOf<Q> =
  Q extends PostgrestTransformBuilder<any, any, infer R, any, any, any, any, any> ? R : never;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * `query.order(…)` for each column of `by`, in order (`{ is_pinned: "desc", created_at: "asc" }`),
 * the columns checked against the table's row. supabase-js's order() also takes any string (for a
 * referenced table's column), so a typo there compiles.
 */
export function sorted<Q extends Sortable>(
  query: Q,
  by: { [Column in string & keyof RowOf<Q>]?: "asc" | "desc" },
): Q {
  let ordered = query;
  for (const [column, direction] of Object.entries(by))
    ordered = ordered.order(column, { ascending: direction !== "desc" });
  return ordered;
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
  return unwrap(call(name, args));
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
