/**
 * The one statement of each request. Every statement returns one row: the total (for counts),
 * the number of rows in the page, the body as text in the negotiated format, the
 * `response.headers`/`response.status` a function may have set, and for writes how many rows
 * were changed and inserted. Reads, writes and calls share this shape, as in PostgREST.
 */
import { randomUUID } from "node:crypto";
import type { PlannedSql, PlannedTarget } from "../../http/events.ts";
import type { MediaType } from "../parse/media.ts";
import type {
  BodyShape,
  CallPlan,
  Condition,
  InsertPlan,
  MutationPlan,
  ReadNode,
} from "../plan/types.ts";
import { ident, qualified } from "../../database/identifiers.ts";
import { arrayLiteral, Params } from "./fragments.ts";
import { conditionSql, countQuery, nodeQuery, sourceCte } from "./read.ts";

export interface Statement {
  text: string;
  values: unknown[];
}

const strip = (expr: string, on: boolean) => (on ? `json_strip_nulls(${expr})` : expr);

function bodySql(shape: BodyShape): string {
  switch (shape.kind) {
    case "array":
      return `coalesce(${strip('json_agg("_t")', shape.stripNulls)}, '[]')::text`;
    case "object":
      return `coalesce(${strip('json_agg("_t")->0', shape.stripNulls)}, 'null')::text`;
    case "scalar":
      return shape.set
        ? `coalesce(json_agg("_t"."pgrst_scalar"), '[]')::text`
        : `coalesce(json_agg("_t"."pgrst_scalar")->0, 'null')::text`;
    case "csv":
      // A header of the column names, then each row's record text without its parentheses.
      return `(SELECT coalesce(string_agg(k, ','), '') FROM (SELECT json_object_keys(r)::text AS k FROM (SELECT row_to_json(h) AS r FROM (SELECT * FROM "_t" LIMIT 1) h) s) a)
        || chr(10) || coalesce(string_agg(substring("_t"::text, 2, length("_t"::text) - 2), chr(10)), '')`;
    case "geojson":
      return `json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(ST_AsGeoJSON("_t")::json), '[]'))::text`;
    case "none":
      return "''";
  }
}

const responseGucs = `nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status`;

/** CSV needs the rows twice (header and body), so `_t` is a CTE there rather than a subquery. */
function wrap(rowsQuery: string, prelude: string, shape: BodyShape, extra: string): string {
  if (shape.kind === "csv") {
    return `WITH ${prelude ? `${prelude}, ` : ""}"_t" AS (${rowsQuery}) SELECT ${extra}, count(*) AS page_total, ${bodySql(shape)} AS body, ${responseGucs} FROM "_t"`;
  }
  return `${prelude ? `WITH ${prelude} ` : ""}SELECT ${extra}, count(*) AS page_total, ${bodySql(shape)} AS body, ${responseGucs} FROM (${rowsQuery}) AS "_t"`;
}

/**
 * Fails a singular read unless it has exactly one row, with the count in its error, so that its
 * transaction rolls back as PostgREST's does on PGRST116 in the same round trip: the read then
 * needs no BEGIN, no connection of its own and no second round trip to end. Plain SQL cannot
 * raise, so a cast of marked text fails instead; the marker is this process's own.
 */
const singularMarker = `pgrst-singular-${randomUUID()}:`;
const singularGuard = `CASE WHEN count(*) <> 1 THEN ('${singularMarker}' || count(*))::int END AS singular`;

/** The row count a singular read's guard failed on (see readStatement), if `message` is its error's. */
export function singularGuardCount(message: string): number | undefined {
  const at = message.indexOf(singularMarker);
  return at < 0 ? undefined : Number.parseInt(message.slice(at + singularMarker.length), 10);
}

/** `guardSingular`: the statement fails unless it reads exactly one row (see singularGuardCount). */
export function readStatement(
  root: ReadNode,
  shape: BodyShape,
  exactCount: boolean,
  guardSingular = false,
): Statement {
  const params = new Params();
  const rows = nodeQuery(root, undefined, params);
  const total = exactCount
    ? `(SELECT count(*) FROM (${countQuery(root, params)}) AS "_c")`
    : "NULL::bigint";
  const extra = `${total} AS total${guardSingular ? `, ${singularGuard}` : ""}`;
  return { text: wrap(rows, "", shape, extra), values: params.values };
}

/** For `count=planned|estimated`: the planner's row estimate of the rows the request reads. */
export function plannedCountStatement(root: ReadNode): Statement {
  const params = new Params();
  return { text: `EXPLAIN (FORMAT JSON) ${countQuery(root, params)}`, values: params.values };
}

function conditionsSql(alias: ReadNode, conditions: Condition[], params: Params): string {
  return conditions.map((c) => conditionSql(alias, c, params)).join(" AND ");
}

/** A stand-in node so mutation WHERE clauses use the same filter SQL as reads. */
function tableNode(plan: MutationPlan): ReadNode {
  return {
    relation: plan.table,
    fromSource: false,
    columns: new Map(),
    alias: "t",
    joinAlias: "",
    name: plan.table.name,
    outputName: plan.table.name,
    items: [],
    where: [],
    order: [],
    range: { offset: 0 },
    joinType: "left",
    spread: false,
    children: [],
  };
}

/**
 * PostgREST counts inserted rows of an upsert in a transaction-local setting: +1 for each row
 * offered to INSERT, -1 for each that ON CONFLICT turned into an update. It needs no column of the
 * row, so it works under column privileges and without a SELECT policy.
 */
const countInserted = (delta: "+" | "-") =>
  `set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), '')::int, 0) ${delta} 1)::text, true) <> '${delta === "+" ? "0" : "-1"}'`;

function insertSql(plan: InsertPlan, params: Params): string {
  const names = plan.columns.map((c) => ident(c.name));
  const body = params.add(plan.body);
  const typed = plan.columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ");
  // jsonb_to_record converts each value with the column's type, arrays and composites included.
  const values = plan.columns.map((c) => {
    const value = `"pgrst_body".${ident(c.name)}`;
    return plan.applyDefaults && c.default !== undefined
      ? `CASE WHEN "pgrst_elem" ? ${params.add(c.name)} THEN ${value} ELSE ${c.default} END`
      : value;
  });
  const source =
    plan.columns.length > 0
      ? `FROM jsonb_array_elements(${body}::jsonb) AS "pgrst_elem", LATERAL jsonb_to_record("pgrst_elem") AS "pgrst_body"(${typed})`
      : `FROM jsonb_array_elements(${body}::jsonb) AS "pgrst_elem"`;
  const upsert = plan.onConflict !== undefined && plan.onConflict.columns.length > 0;
  let sql = `INSERT INTO ${qualified(plan.table)} AS "t"${names.length > 0 ? ` (${names.join(", ")})` : ""} SELECT ${values.join(", ")} ${source}`;
  if (upsert) {
    sql += ` WHERE ${countInserted("+")} ON CONFLICT (${plan.onConflict!.columns.map(ident).join(", ")}) `;
    sql +=
      plan.onConflict!.resolution === "ignore-duplicates" || names.length === 0
        ? "DO NOTHING"
        : `DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(", ")} WHERE ${countInserted("-")}`;
  }
  return sql;
}

function returningSql(plan: MutationPlan): string {
  if (plan.returning === "*") return `RETURNING "t".*`;
  if (plan.returning.length === 0) return "RETURNING 1";
  return `RETURNING ${plan.returning.map((c) => `"t".${ident(c)}`).join(", ")}`;
}

/** Nothing to set: PostgREST changes no row and returns none. */
const setsNothing = (plan: MutationPlan) =>
  plan.kind === "update" && plan.columns.length === 0 && plan.defaults.length === 0;

function mutationSql(plan: MutationPlan, params: Params): string {
  if (setsNothing(plan)) {
    const columns =
      plan.returning === "*"
        ? `"t".*`
        : plan.returning.length === 0
          ? "1"
          : plan.returning.map((c) => `"t".${ident(c)}`).join(", ");
    return `SELECT ${columns} FROM ${qualified(plan.table)} AS "t" WHERE false`;
  }
  return `${writeSql(plan, params)} ${returningSql(plan)}`;
}

/** The INSERT, UPDATE or DELETE alone, without RETURNING. */
function writeSql(plan: MutationPlan, params: Params): string {
  const node = tableNode(plan);
  const where = (conditions: Condition[]) =>
    conditions.length > 0 ? ` WHERE ${conditionsSql(node, conditions, params)}` : "";
  switch (plan.kind) {
    case "insert":
      return insertSql(plan, params);
    case "update": {
      const sets = [
        ...plan.columns.map((c) => `${ident(c.name)} = "pgrst_body".${ident(c.name)}`),
        ...plan.defaults.map((c) => `${ident(c.name)} = DEFAULT`),
      ];
      const from =
        plan.columns.length > 0
          ? ` FROM jsonb_to_record(${params.add(plan.body)}::jsonb) AS "pgrst_body"(${plan.columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ")})`
          : "";
      return `UPDATE ${qualified(plan.table)} AS "t" SET ${sets.join(", ")}${from}${where(plan.where)}`;
    }
    case "delete":
      return `DELETE FROM ${qualified(plan.table)} AS "t"${where(plan.where)}`;
  }
}

/**
 * Conditions on a table's own rows, with its columns qualified by the table's name (as policy
 * expressions name them): the same filter SQL as the statement's. A condition on an embedded
 * resource cannot stand alone, so only the root's own filters are kept (see PlannedTarget).
 */
function rowsCondition(node: ReadNode, conditions: Condition[]): PlannedSql {
  const standsAlone = (c: Condition): boolean =>
    c.kind === "filter" || (c.kind === "expr" && c.children.every(standsAlone));
  const params = new Params();
  const own = { ...node, alias: node.relation.name };
  const sql = conditions
    .filter(standsAlone)
    .map((c) => `(${conditionSql(own, c, params)})`)
    .join(" AND ");
  return { sql: sql || "true", params: params.values };
}

/** What a read addressed, for the request log's observers. */
export function plannedRead(root: ReadNode): PlannedTarget {
  return { operation: "select", rows: rowsCondition(root, root.where) };
}

/** What a write addressed and the write itself, for the request log's observers. */
export function plannedMutation(plan: MutationPlan): PlannedTarget {
  const params = new Params();
  const write = setsNothing(plan)
    ? undefined
    : { sql: writeSql(plan, params), params: params.values, alias: tableNode(plan).alias };
  return plan.kind === "insert"
    ? { operation: "insert", write }
    : { operation: plan.kind, rows: rowsCondition(tableNode(plan), plan.where), write };
}

/** A write and its representation, read back from the CTE of changed rows. */
export function mutationStatement(
  plan: MutationPlan,
  root: ReadNode,
  shape: BodyShape,
  locationColumns: string[],
): Statement {
  const params = new Params();
  const change = mutationSql(plan, params);
  const rows =
    shape.kind === "none" ? `SELECT 1 FROM ${sourceCte}` : nodeQuery(root, undefined, params);
  const upsert = plan.kind === "insert" && plan.onConflict !== undefined;
  const inserted = upsert
    ? `nullif(current_setting('pgrst.inserted', true), '')::int`
    : "NULL::int";
  // Location of a single inserted row: its primary key as filters.
  const location =
    locationColumns.length > 0
      ? `(SELECT json_build_array(${locationColumns.map((c) => `${params.add(c)}::text, "s".${ident(c)}::text`).join(", ")}) FROM ${sourceCte} AS "s" LIMIT 1)`
      : "NULL::json";
  const extra = `(SELECT count(*) FROM ${sourceCte}) AS affected, ${inserted} AS inserted, ${location} AS location, NULL::bigint AS total`;
  return { text: wrap(rows, `${sourceCte} AS (${change})`, shape, extra), values: params.values };
}

function callSql(call: CallPlan, params: Params): string {
  const fn = qualified(call.routine);
  let args: string;
  /** A FROM item the arguments are read from, for a JSON body. */
  let argsFrom: string | undefined;
  switch (call.args.kind) {
    case "none":
      args = "";
      break;
    case "single":
      args = `${params.add(call.args.body)}::${call.args.type}`;
      break;
    case "text":
      args = call.args.values
        .map(([param, value]) => {
          const variadic = param.variadic ? "VARIADIC " : "";
          const typed = `${params.add(Array.isArray(value) ? arrayLiteral(value) : value)}::${param.type}`;
          return `${variadic}${ident(param.name)} := ${typed}`;
        })
        .join(", ");
      break;
    case "json-object":
      argsFrom = `jsonb_to_record(${params.add(call.args.body)}::jsonb) AS "pgrst_args"(${call.args.params.map((p) => `${ident(p.name)} ${p.type}`).join(", ")})`;
      args = call.args.params
        .map(
          (p) =>
            `${p.variadic ? "VARIADIC " : ""}${ident(p.name)} := "pgrst_args".${ident(p.name)}`,
        )
        .join(", ");
      break;
  }
  const invocation = `${fn}(${args})`;
  const fromCall = (alias: string) =>
    `FROM ${argsFrom ? `${argsFrom}, LATERAL ` : ""}${invocation} AS ${alias}`;
  if (call.routine.returnsScalar && !call.routine.returnsSet)
    return `SELECT ${invocation} AS "pgrst_scalar"${argsFrom ? ` FROM ${argsFrom}` : ""}`;
  if (call.routine.returnsScalar) return `SELECT "pgrst_scalar" ${fromCall(`"pgrst_scalar"`)}`;
  return `SELECT "pgrst_call".* ${fromCall(`"pgrst_call"`)}`;
}

export function callStatement(
  call: CallPlan,
  root: ReadNode,
  shape: BodyShape,
  exactCount: boolean,
): Statement {
  const params = new Params();
  const invocation = callSql(call, params);
  const rows = call.routine.returnsScalar
    ? `SELECT * FROM ${sourceCte}`
    : nodeQuery(root, undefined, params);
  const total = exactCount
    ? `(SELECT count(*) FROM (${call.routine.returnsScalar ? `SELECT 1 FROM ${sourceCte}` : countQuery(root, params)}) AS "_c")`
    : "NULL::bigint";
  const extra = `${total} AS total, (SELECT count(*) FROM ${sourceCte}) AS affected`;
  return {
    text: wrap(rows, `${sourceCte} AS (${invocation})`, shape, extra),
    values: params.values,
  };
}

/** `application/vnd.pgrst.plan`: EXPLAIN of the statement instead of running it for its rows. */
export function explainStatement(
  statement: Statement,
  media: Extract<MediaType, { kind: "plan" }>,
): Statement {
  const options = [
    `FORMAT ${media.format === "json" ? "JSON" : "TEXT"}`,
    ...media.options.map((o) => `${o.toUpperCase()} TRUE`),
  ];
  return { text: `EXPLAIN (${options.join(", ")}) ${statement.text}`, values: statement.values };
}
