/**
 * Reads the schema cache from pg_catalog in one read-only transaction: tables, views and their
 * columns, keys, foreign-key relationships (also through views and junction tables), functions and
 * computed fields of the exposed schemas. The facts follow PostgREST's SchemaCache queries.
 */
import type pg from "pg";
import {
  qiKey,
  type Column,
  type ComputedField,
  type QualifiedName,
  type Relationship,
  type Routine,
  type SchemaCache,
  type Table,
} from "./types.ts";

interface ColumnRow {
  name: string;
  type: string;
  base_type: string;
  nullable: boolean;
  default: string | null;
  max_length: number | null;
  enum_values: string[] | null;
  description: string | null;
  position: number;
}

function toColumn(row: ColumnRow): Column {
  return {
    name: row.name,
    type: row.type,
    baseType: row.base_type,
    nullable: row.nullable,
    ...(row.default !== null && { default: row.default }),
    ...(row.max_length !== null && { maxLength: row.max_length }),
    enumValues: row.enum_values ?? [],
    ...(row.description !== null && { description: row.description }),
    position: row.position,
  };
}

/**
 * Columns of relations (by oid) as JSON, shared by tables and composite function results. Its type
 * alias must not be `t`: the function query substitutes its own `t.typrelid` for %REL%.
 */
const columnsJson = `
  coalesce((
    select json_agg(json_build_object(
      'name', a.attname,
      'type', format_type(a.atttypid, a.atttypmod),
      'base_type', format_type(coalesce(nullif(pg_catalog.pg_basetype(a.atttypid), 0), a.atttypid), null),
      'nullable', not (a.attnotnull or (col_type.typtype = 'd' and col_type.typnotnull)),
      'default', case
          when a.attidentity = 'd' then format('nextval(%L)', seq.objid::regclass)
          when a.attgenerated = 's' then null
          when ad.adbin is not null then pg_get_expr(ad.adbin, ad.adrelid)
          when col_type.typtype = 'd' then pg_get_expr(col_type.typdefaultbin, 0)
        end,
      'max_length', information_schema._pg_char_max_length(information_schema._pg_truetypid(a.*, col_type.*), information_schema._pg_truetypmod(a.*, col_type.*)),
      'enum_values', (select array_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = coalesce(nullif(pg_catalog.pg_basetype(a.atttypid), 0), a.atttypid)),
      'description', col_description(a.attrelid, a.attnum),
      'position', a.attnum
    ) order by a.attnum)
    from pg_attribute a
    join pg_type col_type on col_type.oid = a.atttypid
    left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
    left join pg_depend seq on seq.refobjid = a.attrelid and seq.refobjsubid = a.attnum and seq.deptype = 'i' and seq.classid = 'pg_class'::regclass
    where a.attrelid = %REL% and a.attnum > 0 and not a.attisdropped
  ), '[]')`;

const tablesQuery = `
  select n.nspname as schema, c.relname as name, c.relkind in ('v', 'm') as is_view,
    obj_description(c.oid, 'pg_class') as description,
    c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and (pg_relation_is_updatable(c.oid::regclass, true) & 8) = 8) as insertable,
    c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and (pg_relation_is_updatable(c.oid::regclass, true) & 4) = 4) as updatable,
    c.relkind in ('r', 'p') or (c.relkind in ('v', 'f') and (pg_relation_is_updatable(c.oid::regclass, true) & 16) = 16) as deletable,
    coalesce((
      select array_agg(a.attname::text order by a.attname)
      from pg_constraint k join pg_attribute a on a.attrelid = c.oid and a.attnum = any (k.conkey)
      where k.conrelid = c.oid and k.contype = 'p'
    ), '{}') as primary_key,
    ${columnsJson.replace("%REL%", "c.oid")} as columns
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'v', 'm', 'f', 'p') and not c.relispartition and n.nspname = any ($1)`;

/** Foreign keys with their column pairs, and whether the referencing columns are also unique (one-to-one). */
const foreignKeysQuery = `
  select ns1.nspname as schema, tab.relname as name, ns2.nspname as foreign_schema, other.relname as foreign_name,
    k.conname as constraint, k.conrelid = k.confrelid as is_self,
    (select array_agg(array[ca.attname, fa.attname]::text[] order by ord)
       from unnest(k.conkey, k.confkey) with ordinality as _(col, ref, ord)
       join pg_attribute ca on ca.attrelid = k.conrelid and ca.attnum = col
       join pg_attribute fa on fa.attrelid = k.confrelid and fa.attnum = ref) as columns,
    exists (
      select 1 from pg_constraint u
      where u.conrelid = k.conrelid and u.contype in ('p', 'u')
        and (select array_agg(x order by x) from unnest(u.conkey) x) = (select array_agg(x order by x) from unnest(k.conkey) x)
    ) as one_to_one
  from pg_constraint k
  join pg_class tab on tab.oid = k.conrelid join pg_namespace ns1 on ns1.oid = tab.relnamespace
  join pg_class other on other.oid = k.confrelid join pg_namespace ns2 on ns2.oid = other.relnamespace
  where k.contype = 'f' and k.conparentid = 0 and (ns1.nspname = any ($1) or ns2.nspname = any ($1))
  order by k.conrelid, k.conname`;

/**
 * Which base-table columns each view column shows. PostgREST reads this from the view's parse
 * tree; we take the columns the view's rule depends on and match them by name, which covers views
 * that keep column names (a renamed key column does not carry its relationships).
 */
const viewColumnsQuery = `
  select vn.nspname as view_schema, v.relname as view_name, va.attname as view_column,
    tn.nspname as table_schema, t.relname as table_name, ta.attname as table_column
  from pg_class v
  join pg_namespace vn on vn.oid = v.relnamespace
  join pg_rewrite r on r.ev_class = v.oid
  join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
  join pg_class t on t.oid = d.refobjid and t.oid <> v.oid
  join pg_namespace tn on tn.oid = t.relnamespace
  join pg_attribute ta on ta.attrelid = t.oid and ta.attnum = d.refobjsubid
  join pg_attribute va on va.attrelid = v.oid and va.attname = ta.attname and va.attnum > 0
  where v.relkind in ('v', 'm') and vn.nspname = any ($1)`;

const routinesQuery = `
  select pn.nspname as schema, p.proname as name, obj_description(p.oid, 'pg_proc') as description,
    coalesce((
      select json_agg(json_build_object(
          'name', coalesce(arg.name, ''),
          'type', case arg.type
            when 'bit'::regtype then 'bit varying' when 'bit[]'::regtype then 'bit varying[]'
            when 'character'::regtype then 'character varying' when 'character[]'::regtype then 'character varying[]'
            else arg.type::regtype::text end,
          'required', arg.idx <= p.pronargs - p.pronargdefaults,
          'variadic', coalesce(arg.mode = 'v', false)) order by arg.idx)
      from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargnames, coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs])))
        with ordinality as arg(type, name, mode, idx)
      where arg.mode in ('i', 'b', 'v')
    ), '[]') as params,
    coalesce((
      select json_agg(json_build_object('name', arg.name, 'type', format_type(arg.type, null), 'base_type', format_type(arg.type, null),
          'nullable', true, 'default', null, 'max_length', null, 'enum_values', null, 'description', null, 'position', arg.idx) order by arg.idx)
      from unnest(p.proallargtypes, p.proargnames, p.proargmodes) with ordinality as arg(type, name, mode, idx)
      where arg.mode in ('o', 'b', 't')
    ), case when t.typtype = 'c' then ${columnsJson.replace("%REL%", "t.typrelid")} end) as result_columns,
    p.proretset as returns_set,
    (t.typtype = 'c' or coalesce(p.proargmodes::text[] && '{t,b,o}', false)) as returns_composite,
    case when t.typtype = 'c' and not coalesce(p.proargmodes::text[] && '{t,b,o}', false) then tn.nspname end as composite_schema,
    case when t.typtype = 'c' and not coalesce(p.proargmodes::text[] && '{t,b,o}', false) then coalesce(comp.relname, t.typname) end as composite_name,
    p.prorettype = 'void'::regtype as returns_void,
    format_type(p.prorettype, null) as return_type,
    case p.provolatile when 'i' then 'immutable' when 's' then 'stable' else 'volatile' end as volatility,
    p.provariadic <> 0 as has_variadic
  from pg_proc p
  join pg_namespace pn on pn.oid = p.pronamespace
  join pg_type t on t.oid = coalesce(nullif(pg_catalog.pg_basetype(p.prorettype), 0), p.prorettype)
  join pg_namespace tn on tn.oid = t.typnamespace
  left join pg_class comp on comp.oid = t.typrelid
  where p.prokind = 'f' and p.prorettype <> 'trigger'::regtype and pn.nspname = any ($1)`;

/**
 * PostgREST can call a function when all its arguments are named, or when its single argument is
 * an unnamed json, jsonb, text, xml or bytea that takes the whole body.
 */
function isCallable(params: Routine["params"]): boolean {
  const unnamed = params.filter((p) => p.name === "");
  if (unnamed.length === 0) return true;
  return params.length === 1 && ["json", "jsonb", "text", "xml", "bytea"].includes(params[0]!.type);
}

/**
 * Functions of one table's (or view's) row: computed fields, and, when they return rows of a
 * relation, computed relationships (PostgREST's allComputedRels: to-one unless `setof` without `rows 1`).
 */
const computedFieldsQuery = `
  select pn.nspname as schema, p.proname as name, tn.nspname as table_schema, tc.relname as table_name,
    format_type(p.prorettype, null) as return_type, p.proretset as returns_set,
    rn.nspname as returns_schema, rc.relname as returns_relation,
    not p.proretset or p.prorows = 1 as single_row
  from pg_proc p
  join pg_namespace pn on pn.oid = p.pronamespace
  join pg_class tc on tc.reltype = p.proargtypes[0] and tc.relkind in ('r', 'v', 'm', 'f', 'p')
  join pg_namespace tn on tn.oid = tc.relnamespace
  left join pg_class rc on rc.reltype = p.prorettype and rc.relkind in ('r', 'v', 'm', 'f', 'p')
  left join pg_namespace rn on rn.oid = rc.relnamespace
  where p.prokind = 'f' and p.pronargs = 1 and pn.nspname = any ($1) and tn.nspname = any ($1)
  order by p.oid`;

/** Names a cast may use: each type's own name and its SQL name (`int4` and `integer`). */
const typeNamesQuery = `
  select distinct lower(n) as name
  from pg_type t join pg_namespace ns on ns.oid = t.typnamespace,
  lateral unnest(array[t.typname::text, format_type(t.oid, null)]) n
  where t.typtype in ('b', 'c', 'd', 'e', 'r', 'm') and t.typisdefined
    and (ns.nspname = any ($1) or ns.nspname in ('pg_catalog', 'extensions'))`;

/** SQL's spellings that no catalog row carries. */
const sqlTypeAliases = [
  "int",
  "integer",
  "dec",
  "decimal",
  "float",
  "double precision",
  "character",
  "char",
  "varchar",
  "bool",
  "timestamptz",
  "timetz",
];

export async function loadSchemaCache(
  client: pg.ClientBase,
  schemas: string[],
): Promise<SchemaCache> {
  await client.query("begin read only");
  try {
    const [tableRows, fkRows, viewRows, routineRows, computedRows, typeRows] = [
      (await client.query(tablesQuery, [schemas])).rows,
      (await client.query(foreignKeysQuery, [schemas])).rows,
      (await client.query(viewColumnsQuery, [schemas])).rows,
      (await client.query(routinesQuery, [schemas])).rows,
      (await client.query(computedFieldsQuery, [schemas])).rows,
      (await client.query(typeNamesQuery, [schemas])).rows,
    ];
    const tables = new Map<string, Table>();
    for (const row of tableRows) {
      tables.set(qiKey(row.schema, row.name), {
        schema: row.schema,
        name: row.name,
        isView: row.is_view,
        insertable: row.insertable,
        updatable: row.updatable,
        deletable: row.deletable,
        primaryKey: row.primary_key,
        columns: new Map((row.columns as ColumnRow[]).map((c) => [c.name, toColumn(c)])),
        ...(row.description !== null && { description: row.description }),
      });
    }
    const viewSources = resolveViewColumns(viewRows);
    addViewPrimaryKeys(tables, viewSources);
    const relationships = buildRelationships(tables, fkRows, viewSources);

    const routines = new Map<string, Routine[]>();
    for (const row of routineRows) {
      if (!isCallable(row.params)) continue;
      const composite: QualifiedName | undefined = row.composite_schema
        ? { schema: row.composite_schema, name: row.composite_name }
        : undefined;
      const routine: Routine = {
        schema: row.schema,
        name: row.name,
        ...(row.description !== null && { description: row.description }),
        params: row.params,
        returnsSet: row.returns_set,
        ...(composite && { returnsComposite: composite }),
        returnsScalar: !row.returns_composite,
        returnsVoid: row.returns_void,
        returnType: row.return_type,
        resultColumns: ((row.result_columns ?? []) as ColumnRow[]).map(toColumn),
        volatility: row.volatility,
        hasVariadic: row.has_variadic,
      };
      const key = qiKey(row.schema, row.name);
      routines.set(key, [...(routines.get(key) ?? []), routine]);
    }

    const computedFields = new Map<string, Map<string, ComputedField>>();
    for (const row of computedRows) {
      const key = qiKey(row.table_schema, row.table_name);
      const fields = computedFields.get(key) ?? new Map<string, ComputedField>();
      fields.set(row.name, {
        function: { schema: row.schema, name: row.name },
        returnType: row.return_type,
        returnsSet: row.returns_set,
      });
      computedFields.set(key, fields);
      if (row.returns_relation !== null) addComputedRelationship(relationships, tables, row);
    }
    const typeNames = new Set<string>([
      ...typeRows.map((row) => row.name as string),
      ...sqlTypeAliases,
    ]);
    return { tables, relationships, routines, computedFields, typeNames };
  } finally {
    await client.query("rollback");
  }
}

interface ViewColumnRow {
  view_schema: string;
  view_name: string;
  view_column: string;
  table_schema: string;
  table_name: string;
  table_column: string;
}

/** For each view: its column → the (base table key, column) it shows, following views of views. */
type ViewSources = Map<string, Map<string, [string, string]>>;

function resolveViewColumns(rows: ViewColumnRow[]): ViewSources {
  const direct = new Map<string, Map<string, [string, string][]>>();
  for (const row of rows) {
    const view = qiKey(row.view_schema, row.view_name);
    const columns = direct.get(view) ?? new Map<string, [string, string][]>();
    columns.set(row.view_column, [
      ...(columns.get(row.view_column) ?? []),
      [qiKey(row.table_schema, row.table_name), row.table_column],
    ]);
    direct.set(view, columns);
  }
  const resolve = (source: [string, string], depth: number): [string, string] => {
    const through = direct.get(source[0])?.get(source[1]);
    return through && through.length === 1 && depth < 16 ? resolve(through[0]!, depth + 1) : source;
  };
  const result: ViewSources = new Map();
  for (const [view, columns] of direct) {
    const map = new Map<string, [string, string]>();
    for (const [column, sources] of columns)
      if (sources.length === 1) map.set(column, resolve(sources[0]!, 0));
    result.set(view, map);
  }
  return result;
}

/** The view columns showing each of `columns` of `table`, or undefined unless the view shows them all. */
function viewColumnsFor(
  sources: Map<string, [string, string]>,
  table: string,
  columns: string[],
): string[] | undefined {
  const found = columns.map(
    (column) => [...sources].find(([, [t, c]]) => t === table && c === column)?.[0],
  );
  return found.every((c) => c !== undefined) ? found : undefined;
}

function addViewPrimaryKeys(tables: Map<string, Table>, viewSources: ViewSources): void {
  for (const [viewKey, sources] of viewSources) {
    const view = tables.get(viewKey);
    if (!view) continue;
    const bases = new Set([...sources.values()].map(([table]) => table));
    for (const base of bases) {
      const pk = tables.get(base)?.primaryKey ?? [];
      const columns = pk.length > 0 ? viewColumnsFor(sources, base, pk) : undefined;
      if (columns) {
        view.primaryKey = columns;
        break;
      }
    }
  }
}

interface ForeignKeyRow {
  schema: string;
  name: string;
  foreign_schema: string;
  foreign_name: string;
  constraint: string;
  is_self: boolean;
  columns: [string, string][];
  one_to_one: boolean;
}

function buildRelationships(
  tables: Map<string, Table>,
  fkRows: ForeignKeyRow[],
  viewSources: ViewSources,
): Map<string, Relationship[]> {
  const isView = (q: QualifiedName) => tables.get(qiKey(q.schema, q.name))?.isView ?? false;
  /** The table itself and every view that shows all of `columns` of it. */
  const endpoints = (q: QualifiedName, columns: string[]): [QualifiedName, string[]][] => {
    const key = qiKey(q.schema, q.name);
    const result: [QualifiedName, string[]][] = [[q, columns]];
    for (const [viewKey, sources] of viewSources) {
      const view = tables.get(viewKey);
      const shown = view ? viewColumnsFor(sources, key, columns) : undefined;
      if (view && shown) result.push([{ schema: view.schema, name: view.name }, shown]);
    }
    return result;
  };

  const manyToOne: Relationship[] = [];
  for (const fk of fkRows) {
    const from = endpoints(
      { schema: fk.schema, name: fk.name },
      fk.columns.map(([c]) => c),
    );
    const to = endpoints(
      { schema: fk.foreign_schema, name: fk.foreign_name },
      fk.columns.map(([, f]) => f),
    );
    for (const [table, cols] of from) {
      for (const [foreignTable, fcols] of to) {
        manyToOne.push({
          table,
          foreignTable,
          isSelf: table.schema === foreignTable.schema && table.name === foreignTable.name,
          cardinality: fk.one_to_one ? "one-to-one" : "many-to-one",
          constraint: fk.constraint,
          columns: cols.map((c, i) => [c, fcols[i]!]),
          tableIsView: isView(table),
          foreignTableIsView: isView(foreignTable),
        });
      }
    }
  }

  const all: Relationship[] = [...manyToOne];
  // The inverse of each: one-to-many (or the other side of a one-to-one).
  for (const rel of manyToOne) {
    all.push({
      ...rel,
      table: rel.foreignTable,
      foreignTable: rel.table,
      cardinality: rel.cardinality === "one-to-one" ? "one-to-one" : "one-to-many",
      columns: rel.columns.map(([c, f]) => [f, c]),
      tableIsView: rel.foreignTableIsView,
      foreignTableIsView: rel.tableIsView,
    });
  }
  // Many-to-many through a junction whose two foreign keys' columns are all part of its primary key.
  const byTable = new Map<string, Relationship[]>();
  for (const rel of manyToOne) {
    const key = qiKey(rel.table.schema, rel.table.name);
    byTable.set(key, [...(byTable.get(key) ?? []), rel]);
  }
  for (const [junctionKey, rels] of byTable) {
    const pk = new Set(tables.get(junctionKey)?.primaryKey ?? []);
    for (const a of rels) {
      for (const b of rels) {
        if (a.constraint === b.constraint) continue;
        if (![...a.columns, ...b.columns].every(([c]) => pk.has(c))) continue;
        all.push({
          table: a.foreignTable,
          foreignTable: b.foreignTable,
          isSelf:
            a.foreignTable.schema === b.foreignTable.schema &&
            a.foreignTable.name === b.foreignTable.name,
          cardinality: "many-to-many",
          constraint: b.constraint,
          columns: [],
          junction: {
            table: a.table,
            sourceConstraint: a.constraint,
            sourceColumns: a.columns,
            targetConstraint: b.constraint,
            targetColumns: b.columns,
          },
          tableIsView: a.foreignTableIsView,
          foreignTableIsView: b.foreignTableIsView,
        });
      }
    }
  }
  const result = new Map<string, Relationship[]>();
  for (const rel of all) {
    const key = qiKey(rel.table.schema, rel.table.name);
    result.set(key, [...(result.get(key) ?? []), rel]);
  }
  return result;
}

interface ComputedRow {
  schema: string;
  name: string;
  table_schema: string;
  table_name: string;
  returns_schema: string;
  returns_relation: string;
  single_row: boolean;
}

/**
 * Adds `function(table)` as a relationship of its table. As in PostgREST, it replaces the
 * relationships detected between the table and a relation of the function's own name.
 */
function addComputedRelationship(
  relationships: Map<string, Relationship[]>,
  tables: Map<string, Table>,
  row: ComputedRow,
): void {
  const key = qiKey(row.table_schema, row.table_name);
  const fn = { schema: row.schema, name: row.name };
  const table = { schema: row.table_schema, name: row.table_name };
  const foreignTable = { schema: row.returns_schema, name: row.returns_relation };
  // Rows of a relation outside the exposed schemas cannot be embedded.
  if (!tables.has(qiKey(foreignTable.schema, foreignTable.name))) return;
  const kept = (relationships.get(key) ?? []).filter(
    (r) =>
      r.function !== undefined ||
      r.foreignTable.schema !== fn.schema ||
      r.foreignTable.name !== fn.name,
  );
  relationships.set(key, [
    ...kept,
    {
      table,
      foreignTable,
      isSelf: table.schema === foreignTable.schema && table.name === foreignTable.name,
      cardinality: row.single_row ? "many-to-one" : "one-to-many",
      constraint: row.name,
      columns: [],
      tableIsView: tables.get(key)?.isView ?? false,
      foreignTableIsView: tables.get(qiKey(foreignTable.schema, foreignTable.name))!.isView,
      function: fn,
    },
  ]);
}
