import type pg from "pg";
import { qualified } from "../../database/identifiers.ts";
import type { Relation, TupleValue } from "./pgoutput.ts";

export interface ColumnInfo {
  name: string;
  /** pg_type.typname, what realtime-js's converters switch on ("int8", "_text", "timestamptz"…). */
  type: string;
  isPkey: boolean;
}

export interface TableInfo {
  relid: number;
  rls: boolean;
  columns: ColumnInfo[];
}

const JSON_TYPE_OIDS = new Set([114, 3802]);

/** Columns, primary key and RLS flag of each table, read once per batch of changes. */
export async function loadTables(pool: pg.Pool, relids: number[]): Promise<Map<number, TableInfo>> {
  const { rows } = await pool.query<{
    relid: number;
    rls: boolean;
    name: string;
    type: string;
    is_pkey: boolean;
  }>(
    `select c.oid::int as relid, c.relrowsecurity as rls, a.attname as name, t.typname as type,
            coalesce(a.attnum = any(pk.conkey), false) as is_pkey
       from pg_class c
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_type t on t.oid = a.atttypid
       left join pg_constraint pk on pk.conrelid = c.oid and pk.contype = 'p'
      where c.oid = any($1::oid[])
      order by c.oid, a.attnum`,
    [relids],
  );
  const tables = new Map<number, TableInfo>();
  for (const row of rows) {
    let table = tables.get(row.relid);
    if (!table) tables.set(row.relid, (table = { relid: row.relid, rls: row.rls, columns: [] }));
    table.columns.push({ name: row.name, type: row.type, isPkey: row.is_pkey });
  }
  return tables;
}

/** For each role, the columns of each table it may SELECT (column privileges included). */
export async function selectableColumns(
  pool: pg.Pool,
  roles: string[],
  relids: number[],
): Promise<Map<string, Map<number, Set<string>>>> {
  const { rows } = await pool.query<{ role: string; relid: number; name: string }>(
    `select r.role, a.attrelid::int as relid, a.attname as name
       from unnest($1::text[]) as r(role)
       cross join pg_attribute a
      where a.attrelid = any($2::oid[]) and a.attnum > 0 and not a.attisdropped
        and has_column_privilege(r.role, a.attrelid, a.attnum, 'SELECT')`,
    [roles, relids],
  );
  const result = new Map<string, Map<number, Set<string>>>(roles.map((role) => [role, new Map()]));
  for (const row of rows) {
    const byTable = result.get(row.role)!;
    let columns = byTable.get(row.relid);
    if (!columns) byTable.set(row.relid, (columns = new Set()));
    columns.add(row.name);
  }
  return result;
}

/**
 * Turns WAL tuples (PostgreSQL text) into JSON the way Realtime does, `to_jsonb` of each typed value,
 * so numbers, booleans, arrays, JSON and timestamps look as they do in a REST response. Unchanged
 * TOASTed values the WAL left out are absent from the result.
 */
export async function tuplesToJson(
  pool: pg.Pool,
  relation: Relation,
  tuples: TupleValue[][],
): Promise<Record<string, unknown>[]> {
  const input = tuples.map((tuple) => {
    const values: Record<string, unknown> = {};
    relation.columns.forEach((column, i) => {
      const value = tuple[i];
      if (typeof value !== "string") return;
      values[column.name] = JSON_TYPE_OIDS.has(column.typeOid) ? JSON.parse(value) : value;
    });
    return values;
  });
  const { rows } = await pool.query<{ record: Record<string, unknown> }>(
    `select (select to_jsonb(r) from jsonb_populate_record(null::${qualified(relation)}, e.value) as r) as record
       from jsonb_array_elements($1::jsonb) with ordinality as e(value, n)
      order by e.n`,
    [JSON.stringify(input)],
  );
  return rows.map((row, i) => {
    const record: Record<string, unknown> = {};
    relation.columns.forEach((column, c) => {
      if (tuples[i]![c] !== undefined) record[column.name] = row.record[column.name] ?? null;
    });
    return record;
  });
}
