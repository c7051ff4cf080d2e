import { createHash } from "node:crypto";
import type pg from "pg";
import { describePgError } from "../../database/connection.ts";
import type { Identity } from "../identity.ts";
import { FilterError, parseFilter, type Condition } from "./filters.ts";

export type ChangeEvent = "*" | "INSERT" | "UPDATE" | "DELETE";

/** One `postgres_changes` listener of a channel, resolved against the database at join. */
export interface Binding {
  /** The id the join reply hands back and every change message lists. */
  id: number;
  event: ChangeEvent;
  schema: string;
  /** Undefined for every published table of the schema. */
  table: string | undefined;
  conditions: Condition[];
}

/** Why a listener cannot be served; the message is what the subscriber is told. */
export class SubscriptionError extends Error {}

/**
 * A listener's id as Supabase Realtime makes it (`:erlang.phash2(params)`, 1 to 2^27 - 1 here, as
 * realtime-js takes 0 for no id): a hash of the parameters the client sent, so subscribers that
 * listen alike share it, and a change they all receive is framed once for all of them (deliver.ts).
 */
function listenerId(request: Record<string, unknown>): number {
  const params = JSON.stringify(
    Object.keys(request)
      .sort()
      .map((key) => [key, request[key]]),
  );
  const hash = createHash("sha256").update(params).digest().readUInt32BE(0);
  return (hash % (2 ** 27 - 1)) + 1;
}

function describe(request: Record<string, unknown>): string {
  return `[event: ${String(request.event)}, schema: ${String(request.schema)}, table: ${String(request.table ?? "*")}, filters: ${String(request.filter ?? "")}]`;
}

/**
 * Checks one listener the way a subscriber would want to hear about it: the table must be in the
 * `supabase_realtime` publication, the subscriber's role must exist and be allowed to SELECT it, and
 * each filter must name a column and a value of its type.
 */
export async function resolveBinding(
  pool: pg.Pool,
  identity: Identity,
  request: Record<string, unknown>,
): Promise<Binding> {
  const event = typeof request.event === "string" ? request.event.toUpperCase() : "";
  if (!["*", "INSERT", "UPDATE", "DELETE"].includes(event)) {
    throw new SubscriptionError(
      `Invalid event "${String(request.event)}": use *, INSERT, UPDATE or DELETE`,
    );
  }
  const schema =
    typeof request.schema === "string" && request.schema !== "" ? request.schema : undefined;
  if (!schema) throw new SubscriptionError(`A schema is required: ${describe(request)}`);
  const table =
    typeof request.table === "string" && request.table !== "" && request.table !== "*"
      ? request.table
      : undefined;
  const filter =
    typeof request.filter === "string" && request.filter !== "" ? request.filter : undefined;

  const { rows: roleRows } = await pool.query<{ exists: boolean }>(
    "select to_regrole($1) is not null as exists",
    [identity.role],
  );
  if (!roleRows[0]!.exists)
    throw new SubscriptionError(
      `Unauthorized: the role "${identity.role}" in the JWT does not exist`,
    );

  const { rows: tables } = await pool.query<{ relid: number; table: string; can_select: boolean }>(
    `select c.oid::int as relid, c.relname as table,
            has_table_privilege($3, c.oid, 'SELECT') or has_any_column_privilege($3, c.oid, 'SELECT') as can_select
       from pg_publication_tables p
       join pg_namespace n on n.nspname = p.schemaname
       join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
      where p.pubname = 'supabase_realtime' and (p.schemaname = $1 or $1 = '*') and ($2::text is null or p.tablename = $2)`,
    [schema, table ?? null, identity.role],
  );
  if (tables.length === 0) {
    throw new SubscriptionError(
      `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: ${describe(request)}`,
    );
  }
  if (table && !tables[0]!.can_select) {
    throw new SubscriptionError(
      `Unauthorized: role "${identity.role}" may not SELECT from ${schema}.${table}, so it receives no changes from it`,
    );
  }

  let conditions: Condition[] = [];
  if (filter) {
    if (!table) throw new SubscriptionError(`A filter needs a table: ${describe(request)}`);
    try {
      conditions = await typedConditions(pool, tables[0]!.relid, filter);
    } catch (error) {
      if (error instanceof FilterError) throw new SubscriptionError(error.message);
      throw new SubscriptionError(
        `Invalid filter ${JSON.stringify(filter)}: ${describePgError(error)}`,
      );
    }
  }
  return { id: listenerId(request), event: event as ChangeEvent, schema, table, conditions };
}

/** Casts each filter value to its column's type, as JSON, so it compares equal to the record's. */
async function typedConditions(pool: pg.Pool, relid: number, filter: string): Promise<Condition[]> {
  const conditions: Condition[] = [];
  for (const parsed of parseFilter(filter)) {
    const { rows } = await pool.query<{ sql_type: string }>(
      "select format_type(atttypid, atttypmod) as sql_type from pg_attribute where attrelid = $1 and attname = $2 and attnum > 0 and not attisdropped",
      [relid, parsed.column],
    );
    if (rows.length === 0)
      throw new FilterError(`invalid filter: column "${parsed.column}" does not exist`);
    // sql_type comes from the catalog, so it is safe to splice into the cast.
    const { rows: typed } = await pool.query<{ values: unknown[] }>(
      `select coalesce(jsonb_agg(to_jsonb(v::${rows[0]!.sql_type}) order by n), '[]') as values from unnest($1::text[]) with ordinality as u(v, n)`,
      [parsed.values],
    );
    conditions.push({ column: parsed.column, op: parsed.op, values: typed[0]!.values });
  }
  return conditions;
}
