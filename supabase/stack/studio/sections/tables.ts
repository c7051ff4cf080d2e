/**
 * The table editor: schemas, tables and views with their comments; a relation's columns,
 * definition, indexes, policies and grants; its rows browsed as any caller ("view as") with
 * filters, sorts and keyset pagination; rows inserted, edited and deleted; and "why was it
 * allowed" for a browse, a write or a logged REST request.
 *
 * Pages scale to tables of millions of rows: a page is `… where (sort keys) > (the last row's)
 * order by … limit n+1` on the sort columns plus the primary key, never an OFFSET, and the row
 * count shown is the planner's estimate (pg_class.reltuples) beside a count bounded at 1,000 rows
 * that the caller can see. Values travel as PostgreSQL's text output and go back cast to the
 * column's type, so every type round-trips as psql shows it.
 */
import type pg from "pg";
import { ident, qualified } from "../../database/identifiers.ts";
import { callerFor, runAs } from "../acting.ts";
import { explain, type Condition, type Operation } from "../policies.ts";
import { StudioError, type Section, type StudioContext } from "../section.ts";

const pageLimit = 500;
const visibleCountBound = 1000;

/** A column as the table editor's page reads it (the page imports this type). */
export interface Column {
  name: string;
  type: string;
  category: string;
  not_null: boolean;
  default: string | null;
  comment: string | null;
  identity: boolean;
  generated: boolean;
  enum_values: string[] | null;
  element_enum_values: string[] | null;
  is_array: boolean;
  references: { schema: string; table: string; column: string } | null;
}

/** What the table editor's page gets of a relation before its details. */
export interface Meta {
  schema: string;
  name: string;
  kind: string;
  comment: string | null;
  columns: Column[];
  primaryKey: string[];
  estimate: number | null;
}

const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const ops: Record<string, (column: string, param: string) => string> = {
  eq: (c, p) => `${c} = ${p}`,
  neq: (c, p) => `${c} <> ${p}`,
  lt: (c, p) => `${c} < ${p}`,
  lte: (c, p) => `${c} <= ${p}`,
  gt: (c, p) => `${c} > ${p}`,
  gte: (c, p) => `${c} >= ${p}`,
  like: (c, p) => `${c}::text like ${p}::text`,
  ilike: (c, p) => `${c}::text ilike ${p}::text`,
  is_null: (c) => `${c} is null`,
  not_null: (c) => `${c} is not null`,
};

async function relationMeta(db: pg.Pool, schema: string, name: string): Promise<Meta> {
  const found = (
    await db.query(
      `select c.oid, c.relkind, obj_description(c.oid, 'pg_class') as comment,
              case when c.reltuples < 0 then null else c.reltuples::bigint end as estimate
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`,
      [schema, name],
    )
  ).rows[0];
  if (!found) throw new StudioError(404, `no table or view ${schema}.${name}`);
  const columns = (
    await db.query(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, t.typcategory as category,
              a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default,
              col_description(a.attrelid, a.attnum) as comment,
              a.attidentity <> '' as identity, a.attgenerated <> '' as generated,
              (select array_agg(enumlabel::text order by enumsortorder) from pg_enum where enumtypid = t.oid) as enum_values,
              (select array_agg(enumlabel::text order by enumsortorder) from pg_enum where enumtypid = t.typelem and t.typcategory = 'A') as element_enum_values,
              t.typcategory = 'A' as is_array,
              (select json_build_object('schema', fn.nspname, 'table', fc.relname, 'column', fa.attname)
                 from pg_constraint con
                 join pg_class fc on fc.oid = con.confrelid
                 join pg_namespace fn on fn.oid = fc.relnamespace
                 join pg_attribute fa on fa.attrelid = con.confrelid and fa.attnum = con.confkey[1]
                where con.conrelid = a.attrelid and con.contype = 'f'
                  and array_length(con.conkey, 1) = 1 and con.conkey[1] = a.attnum
                limit 1) as references
         from pg_attribute a
         join pg_type t on t.oid = a.atttypid
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [found.oid],
    )
  ).rows as Column[];
  const primaryKey = (
    await db.query(
      `select array(select a.attname::text from unnest(con.conkey) with ordinality k(num, ord)
                      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num
                     order by k.ord) as columns
         from pg_constraint con where con.conrelid = $1 and con.contype = 'p'`,
      [found.oid],
    )
  ).rows[0]?.columns as string[] | undefined;
  const kinds: Record<string, string> = {
    r: "table",
    p: "table",
    v: "view",
    m: "materialized view",
    f: "foreign table",
  };
  return {
    schema,
    name,
    kind: kinds[found.relkind as string]!,
    comment: found.comment,
    columns,
    primaryKey: primaryKey ?? [],
    estimate: found.estimate === null ? null : Number(found.estimate),
  };
}

/** A column by name, or a 400 naming it. */
function columnOf(meta: Meta, name: unknown): Column {
  const column = meta.columns.find((one) => one.name === name);
  if (!column)
    throw new StudioError(400, `${meta.schema}.${meta.name} has no column ${String(name)}`);
  return column;
}

function parseJsonParam<T>(query: URLSearchParams, name: string, fallback: T): T {
  const text = query.get(name);
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StudioError(400, `${name} is not JSON`);
  }
}

/** Filters as a WHERE condition; each value cast to its column's type. */
export function whereOf(meta: Meta, filters: unknown, params: unknown[] = []): Condition {
  if (!Array.isArray(filters)) throw new StudioError(400, "filters must be a list");
  const parts = filters.map((filter: { column?: unknown; op?: unknown; value?: unknown }) => {
    const column = columnOf(meta, filter.column);
    const op = ops[String(filter.op)];
    if (!op) throw new StudioError(400, `unknown filter operator ${String(filter.op)}`);
    if (filter.op === "is_null" || filter.op === "not_null") return op(ident(column.name), "");
    params.push(filter.value === undefined ? null : filter.value);
    return op(ident(column.name), `$${params.length}::${column.type}`);
  });
  return { sql: parts.length > 0 ? parts.join(" and ") : "true", params };
}

/** The row a key names (primary key values as text), as a WHERE condition. */
function keyCondition(meta: Meta, key: unknown, params: unknown[] = []): Condition {
  if (meta.primaryKey.length === 0)
    throw new StudioError(
      400,
      `${meta.schema}.${meta.name} has no primary key: its rows cannot be named`,
    );
  const values = key as Record<string, unknown> | undefined;
  const parts = meta.primaryKey.map((name) => {
    if (values?.[name] === undefined || values[name] === null)
      throw new StudioError(400, `the key needs ${name}`);
    params.push(values[name]);
    return `${ident(name)} = $${params.length}::${columnOf(meta, name).type}`;
  });
  return { sql: parts.join(" and "), params };
}

/** New values, each cast to its column's type: arrays arrive as lists, json as its text. */
function assignments(meta: Meta, values: unknown, params: unknown[] = []) {
  if (typeof values !== "object" || values === null || Array.isArray(values))
    throw new StudioError(400, "values must be an object of column → value");
  return Object.entries(values).map(([name, value]) => {
    const column = columnOf(meta, name);
    params.push(value);
    return { column: ident(column.name), value: `$${params.length}::${column.type}` };
  });
}

interface Sort {
  column: string;
  desc: boolean;
}

/**
 * The keyset condition "after the row whose keys are `after`" for `keys` in their directions,
 * nulls last either way: a row comparison when it can use an index as it is, else the expanded
 * form.
 */
function afterCondition(
  meta: Meta,
  keys: Sort[],
  after: (string | null)[],
  params: unknown[],
): string {
  const cast = (i: number) => {
    params.push(after[i]);
    return `$${params.length}::${columnOf(meta, keys[i]!.column).type}`;
  };
  const sameDirection = keys.every((key) => key.desc === keys[0]!.desc);
  const noNulls = after.every((value) => value !== null);
  const nonNullable = keys.every((key) => columnOf(meta, key.column).not_null);
  if (sameDirection && noNulls && nonNullable)
    return `(${keys.map((key) => ident(key.column)).join(", ")}) ${keys[0]!.desc ? "<" : ">"} (${keys.map((_, i) => cast(i)).join(", ")})`;
  const alternatives: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const equal = keys
      .slice(0, i)
      .map((key, j) =>
        after[j] === null ? `${ident(key.column)} is null` : `${ident(key.column)} = ${cast(j)}`,
      );
    const key = keys[i]!;
    // Nulls sort last: nothing comes after a null but other nulls (decided by the next key).
    if (after[i] === null) continue;
    const beyond = `(${ident(key.column)} ${key.desc ? "<" : ">"} ${cast(i)} or ${ident(key.column)} is null)`;
    alternatives.push([...equal, beyond].join(" and "));
  }
  return alternatives.length > 0 ? `(${alternatives.join(" or ")})` : "false";
}

export function createTablesSection(ctx: StudioContext): Section {
  const { db } = ctx;
  const metaOf = (params: Record<string, string>) => relationMeta(db, params.schema!, params.name!);

  return {
    id: "tables",
    title: "Table editor",
    routes: {
      async "GET /schemas"() {
        return (
          await db.query(
            `select n.nspname as name, obj_description(n.oid, 'pg_namespace') as comment
               from pg_namespace n
              where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
              order by n.nspname = 'public' desc, n.nspname`,
          )
        ).rows;
      },
      async "GET /relations"({ query }) {
        return (
          await db.query(
            `select c.relname as name,
                    case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                   when 'f' then 'foreign table' else 'table' end as kind,
                    obj_description(c.oid, 'pg_class') as comment, c.relrowsecurity as rls,
                    case when c.reltuples < 0 then null else c.reltuples::bigint end as estimate
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f') and not c.relispartition
              order by c.relname`,
            [query.get("schema") ?? "public"],
          )
        ).rows;
      },
      async "GET /users"({ query }) {
        return (
          await db.query(
            `select id, email from auth.users
              where $1 = '' or email ilike '%' || $1 || '%' or id::text = $1
              order by created_at desc limit 20`,
            [query.get("q") ?? ""],
          )
        ).rows;
      },
      async "GET /rel/:schema/:name"({ params }) {
        const meta = await metaOf(params);
        const table = qualified(meta);
        const [definition, constraints, indexes, policies, grants, rls] = await Promise.all([
          meta.kind === "view" || meta.kind === "materialized view"
            ? db.query(`select pg_get_viewdef($1::regclass, true) as text`, [table])
            : Promise.resolve(undefined),
          db.query(
            `select conname as name, pg_get_constraintdef(oid) as definition
               from pg_constraint where conrelid = $1::regclass order by contype, conname`,
            [table],
          ),
          db.query(
            `select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition
               from pg_index where indrelid = $1::regclass order by 1`,
            [table],
          ),
          db.query(
            `select polname as name, case when polpermissive then 'permissive' else 'restrictive' end as kind,
                    case polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                                when 'd' then 'delete' else 'all' end as command,
                    array(select case when r = 0 then 'public' else pg_get_userbyid(r)::text end from unnest(polroles) r) as roles,
                    pg_get_expr(polqual, polrelid) as using, pg_get_expr(polwithcheck, polrelid) as with_check
               from pg_policy where polrelid = $1::regclass order by polname`,
            [table],
          ),
          db.query(
            `select case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end as grantee,
                    string_agg(a.privilege_type, ', ' order by a.privilege_type) as privileges
               from pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
              where c.oid = $1::regclass group by 1 order by 1`,
            [table],
          ),
          db.query(
            `select relrowsecurity as enabled, relforcerowsecurity as forced from pg_class where oid = $1::regclass`,
            [table],
          ),
        ]);
        const lines = meta.columns.map(
          (column) =>
            `  ${ident(column.name)} ${column.type}${column.not_null ? " not null" : ""}${column.default ? ` default ${column.default}` : ""}`,
        );
        const tableDefinition = `create table ${table} (\n${[
          ...lines,
          ...constraints.rows.map((one) => `  constraint ${ident(one.name)} ${one.definition}`),
        ].join(",\n")}\n);`;
        return {
          ...meta,
          definition: definition
            ? `create view ${table} as\n${definition.rows[0].text}`
            : tableDefinition,
          indexes: indexes.rows,
          policies: policies.rows,
          grants: grants.rows,
          rls: rls.rows[0],
        };
      },
      async "GET /rel/:schema/:name/rows"({ params, query, signal }) {
        const meta = await metaOf(params);
        const caller = await callerFor(db, query.get("as"));
        const limit = Math.min(Number(query.get("limit") ?? 50) || 50, pageLimit);
        const sort = parseJsonParam<Sort[]>(query, "sort", []).map((one) => ({
          column: columnOf(meta, one.column).name,
          desc: Boolean(one.desc),
        }));
        const where = whereOf(meta, parseJsonParam(query, "filters", []));
        const pageParams = [...where.params];
        // The primary key after the chosen sort makes the order total, so a page starts exactly
        // after the last row of the one before.
        const keys = [
          ...sort,
          ...meta.primaryKey
            .filter((name) => !sort.some((one) => one.column === name))
            .map((column) => ({ column, desc: sort[0]?.desc ?? false })),
        ];
        const after = parseJsonParam<(string | null)[] | null>(query, "after", null);
        const conditions = [where.sql];
        let offset = 0;
        if (after !== null && meta.primaryKey.length > 0) {
          if (!Array.isArray(after) || after.length !== keys.length)
            throw new StudioError(400, "after must list the last row's sort keys");
          conditions.push(afterCondition(meta, keys, after, pageParams));
        } else if (after !== null) {
          // A view has no key to page by: it pages by offset, which `after` then carries.
          offset = Number(after[0] ?? 0);
        }
        const table = qualified(meta);
        const order = keys
          .map((key) => `${ident(key.column)} ${key.desc ? "desc" : "asc"} nulls last`)
          .join(", ");
        const text = `select * from ${table} where ${conditions.join(" and ")}${order ? ` order by ${order}` : ""} limit ${limit + 1}${offset ? ` offset ${offset}` : ""}`;
        const countText = `select count(*)::int as n from (select from ${table} where ${where.sql} limit ${visibleCountBound + 1}) bounded`;
        const started = performance.now();
        const { rows, visible } = await runAs(
          db,
          caller,
          async (client) => {
            const result = await client.query({ text, values: pageParams, types: asText });
            const counted = await client.query(countText, where.params);
            return {
              rows: result.rows as Record<string, string | null>[],
              visible: counted.rows[0].n as number,
            };
          },
          { end: "rollback", signal, request: { method: "GET", path: `/${meta.name}` } },
        );
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          columns: meta.columns.map((column) => column.name),
          rows: page,
          next:
            rows.length > limit && last
              ? meta.primaryKey.length > 0
                ? keys.map((key) => last[key.column] ?? null)
                : [String(offset + limit)]
              : null,
          estimate: meta.estimate,
          visible: visible > visibleCountBound ? null : visible,
          visibleAtLeast: visibleCountBound,
          milliseconds: performance.now() - started,
        };
      },
      async "GET /rel/:schema/:name/count"({ params, query, signal }) {
        const meta = await metaOf(params);
        const caller = await callerFor(db, query.get("as"));
        const where = whereOf(meta, parseJsonParam(query, "filters", []));
        return runAs(
          db,
          caller,
          async (client) =>
            (
              await client.query(
                `select count(*)::bigint::text as n from ${qualified(meta)} where ${where.sql}`,
                where.params,
              )
            ).rows[0],
          { end: "rollback", signal },
        );
      },
      async "GET /rel/:schema/:name/options"({ params, query }) {
        const meta = await metaOf(params);
        const column = columnOf(meta, query.get("column"));
        if (!column.references) throw new StudioError(400, `${column.name} references no table`);
        const target = await relationMeta(db, column.references.schema, column.references.table);
        const label =
          ["name", "title", "display_name", "full_name", "email", "slug", "label"].find((name) =>
            target.columns.some((one) => one.name === name),
          ) ?? column.references.column;
        const { rows } = await db.query(
          `select ${ident(column.references.column)}::text as value, ${ident(label)}::text as label
             from ${qualified(target)}
            where $1 = '' or ${ident(label)}::text ilike '%' || $1 || '%' or ${ident(column.references.column)}::text = $1
            order by 2 limit 20`,
          [query.get("q") ?? ""],
        );
        return rows;
      },
      async "POST /rel/:schema/:name/rows"({ params, body }) {
        const meta = await metaOf(params);
        const { as, values } = (body ?? {}) as { as?: unknown; values?: unknown };
        const caller = await callerFor(db, as);
        const sets = assignments(meta, values);
        const values_ = Object.values(values as object);
        const text =
          sets.length === 0
            ? `insert into ${qualified(meta)} default values returning *`
            : `insert into ${qualified(meta)} (${sets.map((one) => one.column).join(", ")}) values (${sets.map((one) => one.value).join(", ")}) returning *`;
        const rows = await runAs(
          db,
          caller,
          async (client) => (await client.query({ text, values: values_, types: asText })).rows,
          { request: { method: "POST", path: `/${meta.name}` } },
        );
        return { row: rows[0] ?? null };
      },
      async "PATCH /rel/:schema/:name/rows"({ params, body }) {
        const meta = await metaOf(params);
        const { as, key, values } = (body ?? {}) as {
          as?: unknown;
          key?: unknown;
          values?: unknown;
        };
        const caller = await callerFor(db, as);
        const values_: unknown[] = [];
        const sets = assignments(meta, values, values_);
        if (sets.length === 0) throw new StudioError(400, "nothing to change");
        const where = keyCondition(meta, key, values_);
        const rows = await runAs(
          db,
          caller,
          async (client) =>
            (
              await client.query({
                text: `update ${qualified(meta)} set ${sets.map((one) => `${one.column} = ${one.value}`).join(", ")} where ${where.sql} returning *`,
                values: values_,
                types: asText,
              })
            ).rows,
          { request: { method: "PATCH", path: `/${meta.name}` } },
        );
        if (rows.length === 0)
          throw new StudioError(404, "no row changed: it is gone, or the caller may not see it");
        return { row: rows[0] };
      },
      async "DELETE /rel/:schema/:name/rows"({ params, body }) {
        const meta = await metaOf(params);
        const { as, key } = (body ?? {}) as { as?: unknown; key?: unknown };
        const caller = await callerFor(db, as);
        const where = keyCondition(meta, key);
        const count = await runAs(
          db,
          caller,
          async (client) =>
            (await client.query(`delete from ${qualified(meta)} where ${where.sql}`, where.params))
              .rowCount,
          { request: { method: "DELETE", path: `/${meta.name}` } },
        );
        if (!count)
          throw new StudioError(404, "no row deleted: it is gone, or the caller may not see it");
        return { deleted: count };
      },
      async "POST /rel/:schema/:name/why"({ params, body }) {
        const meta = await metaOf(params);
        const request = (body ?? {}) as {
          as?: unknown;
          operation?: unknown;
          filters?: unknown;
          key?: unknown;
          values?: unknown;
        };
        const operation = String(request.operation ?? "select") as Operation;
        if (!["select", "insert", "update", "delete"].includes(operation))
          throw new StudioError(400, `unknown operation ${operation}`);
        const caller = await callerFor(db, request.as);
        const rows =
          request.key !== undefined
            ? keyCondition(meta, request.key)
            : whereOf(meta, request.filters ?? []);
        let change: Condition | undefined;
        if (operation === "insert" || operation === "update") {
          const changeParams: unknown[] = [];
          const sets = assignments(meta, request.values ?? {}, changeParams);
          change =
            operation === "insert"
              ? {
                  sql:
                    sets.length === 0
                      ? `insert into ${qualified(meta)} default values`
                      : `insert into ${qualified(meta)} (${sets.map((one) => one.column).join(", ")}) values (${sets.map((one) => one.value).join(", ")})`,
                  params: changeParams,
                }
              : {
                  sql: sets.map((one) => `${one.column} = ${one.value}`).join(", "),
                  params: changeParams,
                };
          if (operation === "update" && sets.length === 0)
            throw new StudioError(400, "nothing to change");
        }
        return explain(db, caller, meta, operation, { rows, change });
      },
      async "GET /why/request/:id"({ params }) {
        const event = ctx.requestLog.find(Number(params.id));
        if (!event.claims || event.target?.kind !== "table")
          throw new StudioError(400, "only a REST request on a table can be explained");
        const operations: Record<string, Operation> = {
          GET: "select",
          HEAD: "select",
          POST: "insert",
          PATCH: "update",
          PUT: "update",
          DELETE: "delete",
        };
        const planned = event.planned;
        const operation = planned?.operation ?? operations[event.method] ?? "select";
        const role = typeof event.claims.role === "string" ? event.claims.role : "anon";
        const caller = role === "postgres" ? undefined : { role, claims: event.claims };
        // The outcome is the response's status; the policies are judged on the rows the request
        // addressed and the write it planned, as REST planned them.
        const explanation = await explain(db, caller, event.target, operation, {
          rows: planned?.rows,
          write: planned?.write,
          known: {
            allowed: event.status < 400,
            summary: `answered ${event.status}${event.status < 400 ? "" : ": refused or failed"}`,
            byPolicy: event.status === 403 && (operation === "insert" || operation === "update"),
          },
        });
        return {
          request: { id: event.id, method: event.method, path: event.path, status: event.status },
          note: !planned
            ? "the request's plan was not kept (refused before planning, or a body over 64 KiB): the policies that applied, with their expressions"
            : operation === "insert"
              ? "each WITH CHECK is evaluated on the rows the request would insert"
              : "each USING is counted over the rows the request's filters address",
          ...explanation,
          operation,
        };
      },
    },
  };
}
