/** A write's plan from its request: the table, the columns of the body, conflict handling and WHERE. */
import { columnNotFound, invalidBody, invalidFilters, putMatchingPk } from "../errors.ts";
import type { Payload } from "../parse/payload.ts";
import type { Preferences } from "../parse/prefer.ts";
import type { QueryParams } from "../parse/types.ts";
import type { Column, SchemaCache, Table } from "../schema-cache/types.ts";
import { planRootConditions } from "./read.ts";
import type { DeletePlan, InsertPlan, UpdatePlan } from "./types.ts";

type Planned<T> = Omit<T, "returning">;

function bodyColumns(table: Table, names: string[]): Column[] {
  return names.map((name) => {
    const column = table.columns.get(name);
    if (!column) throw columnNotFound(table.name, name);
    return column;
  });
}

function rowsOf(payload: Payload | undefined): Extract<Payload, { kind: "rows" }> {
  if (payload?.kind !== "rows") throw invalidBody("Empty or invalid json");
  return payload;
}

const source = (table: Table) => ({
  relation: { schema: table.schema, name: table.name },
  columns: table.columns,
  fromSource: false,
});

export function planInsert(
  table: Table,
  query: QueryParams,
  payload: Payload | undefined,
  prefs: Preferences,
): Planned<InsertPlan> {
  const body = rowsOf(payload);
  const columns = bodyColumns(table, query.columns ?? body.keys);
  const conflictColumns = query.onConflict ?? table.primaryKey;
  return {
    kind: "insert",
    table: { schema: table.schema, name: table.name },
    columns,
    body: JSON.stringify(body.rows),
    applyDefaults: prefs.missing === "default",
    ...(prefs.resolution &&
      conflictColumns.length > 0 && {
        onConflict: { columns: conflictColumns, resolution: prefs.resolution },
      }),
  };
}

/**
 * PUT upserts one row by its primary key: the filters must be `eq` on exactly the key's columns
 * and the body must carry the same values.
 */
export function planPut(
  table: Table,
  query: QueryParams,
  payload: Payload | undefined,
): Planned<InsertPlan> {
  const pk = table.primaryKey;
  const filters = query.filters.filter((f) => f.path.length === 0).map((f) => f.filter);
  const exact =
    pk.length > 0 &&
    query.logic.length === 0 &&
    filters.length === pk.length &&
    new Set(filters.map((f) => f.field.name)).size === pk.length &&
    filters.every(
      (f) =>
        pk.includes(f.field.name) &&
        !f.negated &&
        f.field.jsonPath.length === 0 &&
        f.operation.kind === "quant" &&
        f.operation.operator === "eq" &&
        !f.operation.quantifier,
    );
  if (!exact) throw invalidFilters();
  const body = rowsOf(payload);
  if (body.rows.length !== 1) throw putMatchingPk();
  const row = body.rows[0]!;
  for (const f of filters) {
    const value = row[f.field.name];
    const expected = (f.operation as { value: string }).value;
    if (value === undefined || value === null || String(value) !== expected) throw putMatchingPk();
  }
  return {
    kind: "insert",
    table: { schema: table.schema, name: table.name },
    columns: bodyColumns(table, query.columns ?? body.keys),
    body: JSON.stringify([row]),
    applyDefaults: false,
    onConflict: { columns: pk, resolution: "merge-duplicates" },
  };
}

export function planUpdate(
  cache: SchemaCache,
  table: Table,
  query: QueryParams,
  payload: Payload | undefined,
  prefs: Preferences,
): Planned<UpdatePlan> {
  const body = rowsOf(payload);
  const row = body.rows[0] ?? {};
  const named = bodyColumns(table, query.columns ?? body.keys);
  const present = named.filter((c) => c.name in row || prefs.missing !== "default");
  return {
    kind: "update",
    table: { schema: table.schema, name: table.name },
    columns: present,
    defaults: named.filter((c) => !present.includes(c)),
    body: JSON.stringify(row),
    where: planRootConditions(cache, table.schema, source(table), query),
  };
}

export function planDelete(
  cache: SchemaCache,
  table: Table,
  query: QueryParams,
): Planned<DeletePlan> {
  return {
    kind: "delete",
    table: { schema: table.schema, name: table.name },
    where: planRootConditions(cache, table.schema, source(table), query),
  };
}
