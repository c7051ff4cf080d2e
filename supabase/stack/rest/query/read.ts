/**
 * A ReadNode tree as one SELECT: each embed is a LATERAL subquery, to-many ones aggregated with
 * json_agg, to-one ones turned into an object with row_to_json, as PostgREST builds them.
 */
import type { JsonStep, Operation } from "../parse/types.ts";
import { isToOne } from "../plan/relationships.ts";
import type { Condition, OutputItem, PlannedField, PlannedOrder, ReadNode } from "../plan/types.ts";
import { ident, qualified } from "../../database/identifiers.ts";
import { arrayLiteral, type Params } from "./fragments.ts";

/** The CTE that mutations and function calls put their rows in. */
export const sourceCte = "pgrst_source";

const isJson = (type: string) => type === "json" || type === "jsonb";

function jsonPathSql(base: string, type: string, path: JsonStep[], params: Params): string {
  if (path.length === 0) return base;
  let expr = isJson(type) ? base : `to_jsonb(${base})`;
  for (const step of path) {
    const operand =
      step.operand.kind === "key"
        ? `${params.add(step.operand.key)}::text`
        : `${params.add(step.operand.index)}::int`;
    expr = `${expr}${step.arrow}${operand}`;
  }
  return expr;
}

export function fieldSql(node: ReadNode, field: PlannedField, params: Params): string {
  const ref = field.ref;
  const base =
    ref.kind === "column"
      ? `${ident(node.alias)}.${ident(ref.name)}`
      : // A computed field takes the row; from the CTE the row is a record, so cast it to the table's type.
        `${qualified(ref.function)}(${ident(node.alias)}${node.fromSource ? `::${qualified(node.relation)}` : ""})`;
  return jsonPathSql(base, ref.type, field.jsonPath, params);
}

const quantSql = {
  eq: "=",
  gte: ">=",
  gt: ">",
  lte: "<=",
  lt: "<",
  like: "LIKE",
  ilike: "ILIKE",
  match: "~",
  imatch: "~*",
} as const;
const simpleSql = {
  neq: "<>",
  cs: "@>",
  cd: "<@",
  ov: "&&",
  sl: "<<",
  sr: ">>",
  nxr: "&<",
  nxl: "&>",
  adj: "-|-",
} as const;
const ftsSql = {
  fts: "to_tsquery",
  plfts: "plainto_tsquery",
  phfts: "phraseto_tsquery",
  wfts: "websearch_to_tsquery",
} as const;
const isSql = {
  null: "NULL",
  not_null: "NOT NULL",
  true: "TRUE",
  false: "FALSE",
  unknown: "UNKNOWN",
} as const;

function operationSql(expr: string, field: PlannedField, op: Operation, params: Params): string {
  switch (op.kind) {
    case "quant": {
      const value =
        op.operator === "like" || op.operator === "ilike" ? op.value.replace(/\*/g, "%") : op.value;
      const operand = params.add(value);
      const quantified =
        op.quantifier === "any"
          ? `ANY(${operand})`
          : op.quantifier === "all"
            ? `ALL(${operand})`
            : operand;
      return `${expr} ${quantSql[op.operator]} ${quantified}`;
    }
    case "simple":
      return `${expr} ${simpleSql[op.operator]} ${params.add(op.value)}`;
    case "in":
      return op.values.length === 1 && op.values[0] === ""
        ? `${expr} = ANY('{}')`
        : `${expr} = ANY(${params.add(arrayLiteral(op.values))})`;
    case "is":
      return `${expr} IS ${isSql[op.value]}`;
    case "isdistinct":
      return `${expr} IS DISTINCT FROM ${params.add(op.value)}`;
    case "fts": {
      const language = op.language === undefined ? "" : `${params.add(op.language)}::regconfig, `;
      const vector =
        field.ref.type === "tsvector" && field.jsonPath.length === 0
          ? expr
          : `to_tsvector(${language}${expr})`;
      return `${vector} @@ ${ftsSql[op.operator]}(${language}${params.add(op.value)})`;
    }
  }
}

/** Whether an embedded node has a row, as seen from its parent's query. */
function embedPresent(child: ReadNode): string {
  return isToOne(child.relationship!)
    ? `row_to_json(${ident(child.joinAlias)}.*) IS NOT NULL`
    : `${ident(child.joinAlias)}."pgrst_body" IS NOT NULL`;
}

export function conditionSql(node: ReadNode, condition: Condition, params: Params): string {
  switch (condition.kind) {
    case "filter": {
      const sql = operationSql(
        fieldSql(node, condition.field, params),
        condition.field,
        condition.operation,
        params,
      );
      return condition.negated ? `NOT (${sql})` : sql;
    }
    case "embed-null":
      return condition.isNull
        ? `NOT (${embedPresent(condition.child)})`
        : embedPresent(condition.child);
    case "expr": {
      const joined = condition.children
        .map((c) => `(${conditionSql(node, c, params)})`)
        .join(condition.operator === "and" ? " AND " : " OR ");
      return condition.negated ? `NOT (${joined})` : `(${joined})`;
    }
  }
}

/** FROM and the join conditions that tie a node to its parent. */
function fromSql(node: ReadNode, parent: ReadNode | undefined): { from: string; joins: string[] } {
  const self = ident(node.alias);
  if (node.fromSource) return { from: `${sourceCte} AS ${self}`, joins: [] };
  const rel = node.relationship;
  if (parent && rel?.function) {
    // The function takes the parent's row; cast, as PostgREST does, so an overloaded function is
    // chosen by the table's type also when the parent's rows come from the source CTE.
    return {
      from: `${qualified(rel.function)}(${ident(parent.alias)}::${qualified(rel.table)}) AS ${self}`,
      joins: [],
    };
  }
  const from = `${qualified(node.relation)} AS ${self}`;
  if (!parent || !rel) return { from, joins: [] };
  const parentAlias = ident(parent.alias);
  if (rel.cardinality === "many-to-many") {
    const j = rel.junction!;
    const junction = ident(`${node.alias}_j`);
    return {
      from: `${from}, ${qualified(j.table)} AS ${junction}`,
      joins: [
        ...j.targetColumns.map(([jc, fc]) => `${junction}.${ident(jc)} = ${self}.${ident(fc)}`),
        ...j.sourceColumns.map(
          ([jc, tc]) => `${junction}.${ident(jc)} = ${parentAlias}.${ident(tc)}`,
        ),
      ],
    };
  }
  return {
    from,
    joins: rel.columns.map(([c, fc]) => `${self}.${ident(fc)} = ${parentAlias}.${ident(c)}`),
  };
}

function lateralSql(child: ReadNode, parent: ReadNode, params: Params): string {
  const sub = nodeQuery(child, parent, params);
  const alias = ident(child.joinAlias);
  if (isToOne(child.relationship!)) {
    return `${child.joinType === "inner" ? "INNER" : "LEFT"} JOIN LATERAL (${sub}) AS ${alias} ON TRUE`;
  }
  const columns = child.spread
    ? [
        `count(*) AS "pgrst_rows"`,
        ...outputNames(child).map((name) => `json_agg("_e".${ident(name)}) AS ${ident(name)}`),
      ]
    : [`json_agg("_e") AS "pgrst_body"`];
  return `LEFT JOIN LATERAL (SELECT ${columns.join(", ")} FROM (${sub}) AS "_e") AS ${alias} ON TRUE`;
}

/**
 * `users()`, or embeds of nothing but such embeds: joined for filtering, left out of the body
 * (PostgREST's rsEmptyEmbed).
 */
function isEmptyEmbed(node: ReadNode): boolean {
  return node.items.every((item) => item.kind === "embed" && isEmptyEmbed(item.child));
}

/** The keys a node puts in its JSON object (spread children's keys included). */
export function outputNames(node: ReadNode): string[] {
  return node.items.flatMap((item) =>
    item.kind === "embed"
      ? item.child.spread
        ? outputNames(item.child)
        : isEmptyEmbed(item.child)
          ? []
          : [item.child.outputName]
      : [item.outputName],
  );
}

const isToOneSpread = (node: ReadNode) =>
  node.spread && node.relationship !== undefined && isToOne(node.relationship);

interface HoistedAggregate {
  aggregate: string;
  aggregateCast?: string;
}

/**
 * Aggregates of a to-one spread (and of the to-one spreads inside it) are computed by the nearest
 * ancestor that is not one, grouped by that ancestor's other columns (PostgREST's
 * hoistSpreadAggFunctions): the spread itself passes the aggregated values up unaggregated.
 */
function hoistedAggregates(node: ReadNode): Map<string, HoistedAggregate> {
  const hoisted = new Map<string, HoistedAggregate>();
  if (!isToOneSpread(node)) return hoisted;
  for (const item of node.items) {
    if (item.kind === "count" || (item.kind === "field" && item.aggregate))
      hoisted.set(item.outputName, {
        aggregate: item.kind === "count" ? "count" : item.aggregate!,
        ...(item.aggregateCast !== undefined && { aggregateCast: item.aggregateCast }),
      });
    if (item.kind === "embed")
      for (const [name, aggregate] of hoistedAggregates(item.child)) hoisted.set(name, aggregate);
  }
  return hoisted;
}

interface SelectColumn {
  sql: string;
  /** An aggregate: left out of GROUP BY. */
  aggregate: boolean;
}

function withCast(expr: string, cast: string | undefined): string {
  return cast ? `CAST(${expr} AS ${cast})` : expr;
}

function itemSql(
  node: ReadNode,
  item: OutputItem,
  params: Params,
  grouped: boolean,
): SelectColumn[] {
  const passUp = isToOneSpread(node);
  if (item.kind === "count") {
    // Passed up, a count counts the rows where this spread has a row.
    const sql = passUp ? "1" : withCast("count(*)", item.aggregateCast);
    return [{ sql: `${sql} AS ${ident(item.outputName)}`, aggregate: !passUp }];
  }
  if (item.kind === "field") {
    let expr = withCast(fieldSql(node, item.field, params), item.cast);
    if (item.aggregate && !passUp)
      expr = withCast(`${item.aggregate}(${expr})`, item.aggregateCast);
    return [
      { sql: `${expr} AS ${ident(item.outputName)}`, aggregate: !!item.aggregate && !passUp },
    ];
  }
  const child = item.child;
  const alias = ident(child.joinAlias);
  // json has no equality, so grouped queries carry embeds as jsonb.
  const asJsonType = grouped ? "::jsonb" : "";
  if (child.spread && isToOne(child.relationship!)) {
    const hoisted = passUp ? new Map<string, HoistedAggregate>() : hoistedAggregates(child);
    return outputNames(child).map((name) => {
      const column = `${alias}.${ident(name)}`;
      const aggregate = hoisted.get(name);
      if (aggregate)
        return {
          sql: `${withCast(`${aggregate.aggregate}(${column})`, aggregate.aggregateCast)} AS ${ident(name)}`,
          aggregate: true,
        };
      return {
        sql: `${grouped ? `to_jsonb(${column})` : column} AS ${ident(name)}`,
        aggregate: false,
      };
    });
  }
  if (child.spread)
    return outputNames(child).map((name) => ({
      sql: `coalesce(${alias}.${ident(name)}, '[]')${asJsonType} AS ${ident(name)}`,
      aggregate: false,
    }));
  if (isEmptyEmbed(child)) return [];
  if (isToOne(child.relationship!))
    return [
      {
        sql: `row_to_json(${alias}.*)${asJsonType} AS ${ident(child.outputName)}`,
        aggregate: false,
      },
    ];
  return [
    {
      sql: `coalesce(${alias}."pgrst_body", '[]')${asJsonType} AS ${ident(child.outputName)}`,
      aggregate: false,
    },
  ];
}

function orderSql(node: ReadNode, term: PlannedOrder, params: Params): string {
  let expr: string;
  if (term.kind === "field") expr = fieldSql(node, term.field, params);
  else {
    // A to-one child's column, read again by a scalar subquery with the child's own filters.
    const { from, joins } = fromSql(term.child, node);
    const conditions = [
      ...joins,
      ...term.child.where.map((c) => conditionSql(term.child, c, params)),
    ];
    expr = `(SELECT ${fieldSql(term.child, term.field, params)} FROM ${from}${conditions.length ? ` WHERE ${conditions.join(" AND ")}` : ""} LIMIT 1)`;
  }
  const direction = term.direction === "desc" ? " DESC" : term.direction === "asc" ? " ASC" : "";
  const nulls =
    term.nulls === "first" ? " NULLS FIRST" : term.nulls === "last" ? " NULLS LAST" : "";
  return `${expr}${direction}${nulls}`;
}

function isAggregate(item: OutputItem): boolean {
  return item.kind === "count" || (item.kind === "field" && item.aggregate !== undefined);
}

/** Conditions of a node's WHERE: join to the parent, filters, and `!inner` children being there. */
export function whereConditions(
  node: ReadNode,
  parent: ReadNode | undefined,
  params: Params,
): { from: string; conditions: string[] } {
  const { from, joins } = fromSql(node, parent);
  return {
    from,
    conditions: [
      ...joins,
      ...node.where.map((c) => conditionSql(node, c, params)),
      ...node.children
        .filter((c) => c.joinType === "inner" && !isToOne(c.relationship!))
        .map(embedPresent),
    ],
  };
}

/** One node as a SELECT of its output columns. */
export function nodeQuery(node: ReadNode, parent: ReadNode | undefined, params: Params): string {
  const grouped = isToOneSpread(node)
    ? false
    : node.items.some(isAggregate) ||
      node.children.some((child) => hoistedAggregates(child).size > 0);
  const columns = node.items.flatMap((item) => itemSql(node, item, params, grouped));
  const selectItems = columns.map((c) => c.sql);
  const laterals = node.children.map((child) => lateralSql(child, node, params));
  const { from, conditions } = whereConditions(node, parent, params);
  let sql = `SELECT ${selectItems.length > 0 ? selectItems.join(", ") : ""} FROM ${from}`;
  if (laterals.length > 0) sql += ` ${laterals.join(" ")}`;
  if (conditions.length > 0) sql += ` WHERE ${conditions.join(" AND ")}`;
  if (grouped) {
    const groupBy = columns.flatMap((c, i) => (c.aggregate ? [] : [i + 1]));
    if (groupBy.length > 0) sql += ` GROUP BY ${groupBy.join(", ")}`;
  }
  if (node.order.length > 0)
    sql += ` ORDER BY ${node.order.map((t) => orderSql(node, t, params)).join(", ")}`;
  if (node.range.limit !== undefined) sql += ` LIMIT ${params.add(node.range.limit)}::bigint`;
  if (node.range.offset > 0) sql += ` OFFSET ${params.add(node.range.offset)}::bigint`;
  return sql;
}

/** `SELECT 1` over the node's rows without order, limit or unneeded embeds: for `count=exact`. */
export function countQuery(node: ReadNode, params: Params): string {
  const needed = new Set<ReadNode>(node.children.filter((c) => c.joinType === "inner"));
  const visit = (condition: Condition) => {
    if (condition.kind === "embed-null") needed.add(condition.child);
    if (condition.kind === "expr") condition.children.forEach(visit);
  };
  node.where.forEach(visit);
  const laterals = node.children
    .filter((c) => needed.has(c))
    .map((child) => lateralSql(child, node, params));
  const { from, conditions } = whereConditions(node, undefined, params);
  let sql = `SELECT 1 FROM ${from}`;
  if (laterals.length > 0) sql += ` ${laterals.join(" ")}`;
  if (conditions.length > 0) sql += ` WHERE ${conditions.join(" AND ")}`;
  return sql;
}
