/**
 * `GET /rest/v1/`: the OpenAPI 2.0 description PostgREST serves for the exposed schema (tables,
 * views, their columns as definitions, functions under /rpc), which Supabase's tooling reads.
 */
import type { Column, Routine, SchemaCache, Table } from "../schema-cache/types.ts";

/** PostgREST's mapping of PostgreSQL types to JSON schema types. */
function jsonType(type: string): { type: string; items?: { type: string } } {
  if (type.endsWith("[]"))
    return { type: "array", items: { type: jsonType(type.slice(0, -2)).type } };
  const base = type.replace(/\(.*\)/, "").trim();
  if (["integer", "bigint", "smallint"].includes(base)) return { type: "integer" };
  if (["numeric", "real", "double precision"].includes(base)) return { type: "number" };
  if (base === "boolean") return { type: "boolean" };
  if (base === "json" || base === "jsonb") return { type: "any" };
  return { type: "string" };
}

function property(column: Column, table: Table, cache: SchemaCache): Record<string, unknown> {
  const notes: string[] = [];
  if (table.primaryKey.includes(column.name)) notes.push("Note:\nThis is a Primary Key.<pk/>");
  for (const rel of cache.relationships.get(`${table.schema}\u0000${table.name}`) ?? []) {
    if (
      rel.cardinality === "many-to-one" &&
      rel.columns.length === 1 &&
      rel.columns[0]![0] === column.name
    ) {
      notes.push(
        `Note:\nThis is a Foreign Key to \`${rel.foreignTable.name}.${rel.columns[0]![1]}\`.<fk table='${rel.foreignTable.name}' column='${rel.columns[0]![1]}'/>`,
      );
    }
  }
  const description = [column.description, ...notes].filter(Boolean).join("\n\n");
  return {
    ...(column.default !== undefined && { default: column.default }),
    ...(description && { description }),
    format: column.type,
    ...jsonType(column.type),
    ...(column.maxLength !== undefined && { maxLength: column.maxLength }),
    ...(column.enumValues.length > 0 && { enum: column.enumValues }),
  };
}

const ref = (name: string) => ({ $ref: `#/parameters/${name}` });

function tablePaths(table: Table): Record<string, unknown> {
  const rowFilters = [...table.columns.values()].map((c) => ({
    $ref: `#/parameters/rowFilter.${table.name}.${c.name}`,
  }));
  const tag = [table.name];
  const ok = {
    "200": {
      description: "OK",
      schema: { items: { $ref: `#/definitions/${table.name}` }, type: "array" },
    },
    "206": { description: "Partial Content" },
  };
  const paths: Record<string, unknown> = {
    get: {
      tags: tag,
      ...(table.description && { summary: table.description }),
      parameters: [
        ...rowFilters,
        ref("select"),
        ref("order"),
        ref("range"),
        ref("rangeUnit"),
        ref("offset"),
        ref("limit"),
        ref("preferCount"),
      ],
      responses: ok,
    },
  };
  if (table.insertable)
    paths.post = {
      tags: tag,
      parameters: [ref(`body.${table.name}`), ref("select"), ref("preferPost")],
      responses: { "201": { description: "Created" } },
    };
  if (table.deletable)
    paths.delete = {
      tags: tag,
      parameters: [...rowFilters, ref("preferReturn")],
      responses: { "204": { description: "No Content" } },
    };
  if (table.updatable)
    paths.patch = {
      tags: tag,
      parameters: [...rowFilters, ref(`body.${table.name}`), ref("preferReturn")],
      responses: { "204": { description: "No Content" } },
    };
  return paths;
}

function routinePath(routine: Routine): Record<string, unknown> {
  const args = {
    in: "body",
    name: "args",
    required: true,
    schema: {
      properties: Object.fromEntries(
        routine.params.map((p) => [p.name, { format: p.type, ...jsonType(p.type) }]),
      ),
      required: routine.params.filter((p) => p.required).map((p) => p.name),
      type: "object",
    },
  };
  const tags = ["(rpc) " + routine.name];
  const post = {
    tags,
    ...(routine.description && { summary: routine.description }),
    parameters: [args, ref("preferParams")],
    produces: ["application/json", "application/vnd.pgrst.object+json"],
    responses: { "200": { description: "OK" } },
  };
  if (routine.volatility === "volatile") return { post };
  const get = {
    tags,
    parameters: routine.params.map((p) => ({
      format: p.type,
      in: "query",
      name: p.name,
      required: p.required,
      ...jsonType(p.type),
    })),
    responses: { "200": { description: "OK" } },
  };
  return { get, post };
}

export function openApiDocument(
  cache: SchemaCache,
  schema: string,
  visible: Set<string> | undefined,
  host: string | undefined,
): unknown {
  const tables = [...cache.tables.values()]
    .filter((t) => t.schema === schema && (!visible || visible.has(t.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
  const routines = [...cache.routines.values()]
    .flat()
    .filter((r) => r.schema === schema)
    .sort((a, b) => a.name.localeCompare(b.name));
  const parameters: Record<string, unknown> = {
    preferParams: {
      name: "Prefer",
      description: "Preference",
      required: false,
      enum: ["params=single-object"],
      in: "header",
      type: "string",
    },
    preferReturn: {
      name: "Prefer",
      description: "Preference",
      required: false,
      enum: ["return=representation", "return=minimal", "return=none"],
      in: "header",
      type: "string",
    },
    preferCount: {
      name: "Prefer",
      description: "Preference",
      required: false,
      enum: ["count=none"],
      in: "header",
      type: "string",
    },
    preferPost: {
      name: "Prefer",
      description: "Preference",
      required: false,
      enum: [
        "return=representation",
        "return=minimal",
        "return=none",
        "resolution=ignore-duplicates",
        "resolution=merge-duplicates",
      ],
      in: "header",
      type: "string",
    },
    select: {
      name: "select",
      description: "Filtering Columns",
      required: false,
      in: "query",
      type: "string",
    },
    on_conflict: {
      name: "on_conflict",
      description: "On Conflict",
      required: false,
      in: "query",
      type: "string",
    },
    order: { name: "order", description: "Ordering", required: false, in: "query", type: "string" },
    range: {
      name: "Range",
      description: "Limiting and Pagination",
      required: false,
      in: "header",
      type: "string",
    },
    rangeUnit: {
      name: "Range-Unit",
      description: "Limiting and Pagination",
      required: false,
      default: "items",
      in: "header",
      type: "string",
    },
    offset: {
      name: "offset",
      description: "Limiting and Pagination",
      required: false,
      in: "query",
      type: "string",
    },
    limit: {
      name: "limit",
      description: "Limiting and Pagination",
      required: false,
      in: "query",
      type: "string",
    },
  };
  const definitions: Record<string, unknown> = {};
  const paths: Record<string, unknown> = {
    "/": {
      get: {
        tags: ["Introspection"],
        summary: "OpenAPI description (this document)",
        produces: ["application/openapi+json", "application/json"],
        responses: { "200": { description: "OK" } },
      },
    },
  };
  for (const table of tables) {
    const columns = [...table.columns.values()].sort((a, b) => a.position - b.position);
    definitions[table.name] = {
      ...(table.description && { description: table.description }),
      required: columns.filter((c) => !c.nullable && c.default === undefined).map((c) => c.name),
      properties: Object.fromEntries(columns.map((c) => [c.name, property(c, table, cache)])),
      type: "object",
    };
    parameters[`body.${table.name}`] = {
      name: table.name,
      description: table.name,
      required: false,
      in: "body",
      schema: { $ref: `#/definitions/${table.name}` },
    };
    for (const c of columns)
      parameters[`rowFilter.${table.name}.${c.name}`] = {
        name: c.name,
        required: false,
        format: c.type,
        in: "query",
        type: "string",
      };
    paths[`/${table.name}`] = tablePaths(table);
  }
  for (const routine of routines) paths[`/rpc/${routine.name}`] = routinePath(routine);
  return {
    swagger: "2.0",
    info: { description: "", title: "standard public schema", version: "13.0.0" },
    host: host ?? "localhost",
    basePath: "/",
    schemes: ["http"],
    consumes: [
      "application/json",
      "application/vnd.pgrst.object+json;nulls=stripped",
      "application/vnd.pgrst.object+json",
      "text/csv",
    ],
    produces: [
      "application/json",
      "application/vnd.pgrst.object+json;nulls=stripped",
      "application/vnd.pgrst.object+json",
      "text/csv",
    ],
    paths,
    definitions,
    parameters,
    externalDocs: {
      description: "PostgREST Documentation",
      url: "https://postgrest.org/en/v13/references/api.html",
    },
  };
}
