/**
 * Each action a request asks for, as PostgREST's App conducts it: plan (with content negotiation),
 * the statement, the request's transaction, the reply. Nothing here reads HTTP or writes it.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { PlannedTarget } from "../http/events.ts";
import type { RestConfig } from "./config.ts";
import {
  maxAffectedRpcViolation,
  maxAffectedViolation,
  RestError,
  singularityError,
  tableNotFound,
} from "./errors.ts";
import { openApiDocument } from "./http/openapi.ts";
import {
  callReply,
  explainReply,
  mutationReply,
  openApiReply,
  readReply,
  type Reply,
  type ResultRow,
} from "./http/reply.ts";
import { bindStandIns, type ApiRequest, type RequestShape } from "./http/request.ts";
import type { MediaType } from "./parse/media.ts";
import type { Preferences } from "./parse/prefer.ts";
import { argumentNames, callArguments, findRoutine } from "./plan/call.ts";
import { planDelete, planInsert, planPut, planUpdate } from "./plan/mutate.ts";
import { checkStrict, negotiate, negotiateOpenApi, type Negotiated } from "./plan/negotiate.ts";
import { neededColumns, planRead, type ReadSource } from "./plan/read.ts";
import { closest } from "./plan/suggest.ts";
import type {
  BodyShape,
  CallPlan,
  DeletePlan,
  InsertPlan,
  MutationPlan,
  ReadNode,
  UpdatePlan,
} from "./plan/types.ts";
import {
  callStatement,
  explainStatement,
  mutationStatement,
  plannedCountStatement,
  plannedMutation,
  plannedRead,
  readStatement,
  singularGuardCount,
  type Statement,
} from "./query/statements.ts";
import { qiKey, type SchemaCache, type Table } from "./schema-cache/types.ts";
import type { Ending, RequestIdentity, Run } from "./transaction/run.ts";

/** How a request's transaction ends, and whether its end waits for the reply (see inTransaction). */
export interface TransactionEnding {
  readOnly: boolean;
  end: Ending;
  endAfterWork: boolean;
}

/** A read as planned for one request shape: its plan, statement and how it is answered. */
export interface PreparedRead {
  root: ReadNode;
  planned: PlannedTarget;
  media: MediaType;
  statement: Statement;
}

/**
 * Reads already planned, by request shape, for one schema cache and configuration: a reload makes
 * a new schema cache and with it an empty map, so no plan outlives the schema it was made from.
 * Shapes are dropped by their own bounded cache, and their plans with them.
 */
export type ReadPlans = WeakMap<RequestShape, PreparedRead>;

/**
 * A write as prepared for one request shape and one set of planned columns: all but the body,
 * whose JSON is each request's own and bound as one parameter. Its statement and the request log's
 * target are built with `bodyStandIn` as the body.
 */
interface PreparedWrite {
  media: MediaType;
  shape: BodyShape;
  statement: Statement;
  planned: PlannedTarget;
}

/**
 * Writes already prepared, by request shape and then by their planned columns (an app sends a
 * shape's body with the same few sets of keys), for one schema cache and configuration as
 * `ReadPlans` are. At most `writeColumnSets` sets a shape, the least recently used making room.
 */
export type WritePlans = WeakMap<RequestShape, Map<string, PreparedWrite>>;

const writeColumnSets = 16;

/** A write as planned from its request, before what it returns is known. */
type WritePlan = InsertPlan | UpdatePlan | DeletePlan;

/** Stands for the body while a write is prepared: no value a request binds can be equal to it. */
const bodyStandIn = `pgrst-body-${randomUUID()}`;

/** The prepared statement's or target's parameters with this request's body in the stand-in's place. */
function withBody(values: unknown[], body: string | undefined): unknown[] {
  return values.map((value) => (value === bodyStandIn ? body : value));
}

/** What a write's statement depends on beyond its shape: the columns it sets, and to defaults. */
function columnSet(plan: WritePlan): string {
  if (plan.kind === "delete") return "";
  const names = plan.columns.map((c) => c.name).join("\0");
  return plan.kind === "update"
    ? `${names}\u0001${plan.defaults.map((c) => c.name).join("\0")}`
    : names;
}

/** One request as its action sees it: what it asks, under which configuration and schema cache, as whom. */
export interface ActionScope {
  api: ApiRequest;
  config: RestConfig;
  cache: SchemaCache;
  readPlans: ReadPlans;
  writePlans: WritePlans;
  identity: RequestIdentity;
  /** Given what a request on a table addressed, when an observer wants it (the request log). */
  planned?: (target: PlannedTarget) => void;
  /** Runs `statement` in the request's transaction and hands its rows to `work`. */
  transaction<R extends pg.QueryResultRow, T>(
    ending: TransactionEnding,
    statement: Statement,
    work: (rows: R[], run: Run) => Promise<T> | T,
  ): Promise<T>;
}

function findTable(cache: SchemaCache, schema: string, name: string): Table {
  const table = cache.tables.get(qiKey(schema, name));
  if (table) return table;
  const names = [...cache.tables.values()].filter((t) => t.schema === schema).map((t) => t.name);
  const best = closest(name, names, 0.75);
  throw tableNotFound(
    schema,
    name,
    best === undefined ? null : `Perhaps you meant the table '${schema}.${best}'`,
  );
}

/** How the request's transaction ends: `Prefer: tx` where `db_tx_end` allows it, else `db_tx_end`. */
function ending(prefs: Preferences, config: RestConfig): Ending {
  const allowTx = config.txEnd.endsWith("allow-override");
  if (allowTx && prefs.tx) return prefs.tx;
  return config.txEnd.startsWith("commit") ? "commit" : "rollback";
}

/** `Accept: application/vnd.pgrst.plan`: the statement's EXPLAIN instead of its result. */
function explain(
  scope: ActionScope,
  statement: Statement,
  media: Extract<MediaType, { kind: "plan" }>,
  readOnly: boolean,
): Promise<Reply> {
  // ANALYZE runs the statement: never keep what it changed.
  return scope.transaction<{ "QUERY PLAN": unknown }, Reply>(
    { readOnly, end: "rollback", endAfterWork: false },
    explainStatement(statement, media),
    (rows) => explainReply(rows, media),
  );
}

/** `Prefer: count=planned|estimated`: the planner's row count, in the same transaction. */
async function countRows(
  scope: ActionScope,
  run: Run,
  root: ReadNode,
  row: ResultRow,
): Promise<void> {
  const count = scope.api.preferences.count;
  if (count !== "planned" && count !== "estimated") return;
  const statement = plannedCountStatement(root);
  const { rows } = await run<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>(
    statement.text,
    bindStandIns(statement.values, scope.api.standInValues),
  );
  const planned = rows[0]!["QUERY PLAN"][0].Plan["Plan Rows"];
  const { maxRows } = scope.config;
  // estimated: the exact count while it stays within max-rows, the planner's beyond.
  if (
    count === "planned" ||
    row.total === null ||
    maxRows === undefined ||
    Number(row.total) > maxRows
  )
    row.total = String(planned);
}

/** GET / : the OpenAPI document of the schema, listing what the caller may use when so configured. */
export async function openApi(scope: ActionScope): Promise<Reply> {
  const { api, config, cache } = scope;
  if (config.openApiMode === "disabled")
    throw new RestError(404, {
      code: "PGRST126",
      details: null,
      hint: null,
      message: "Root endpoint metadata is disabled",
    });
  negotiateOpenApi(api);
  const privileges =
    config.openApiMode === "follow-privileges"
      ? await scope.transaction<{ name: string }, Set<string>>(
          { readOnly: true, end: "rollback", endAfterWork: false },
          {
            text: `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND (has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE') OR has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE'))`,
            values: [api.schema],
          },
          (rows) => new Set(rows.map((r) => r.name)),
        )
      : undefined;
  return openApiReply(api, openApiDocument(cache, api.schema, privileges, api.headers.host));
}

/** A read's target for the request log, with this request's values bound (see RequestShapes). */
function boundTarget(target: PlannedTarget, standInValues: string[]): PlannedTarget {
  if (!target.rows) return target;
  return {
    ...target,
    rows: { ...target.rows, params: bindStandIns(target.rows.params, standInValues) },
  };
}

const boundStatement = (statement: Statement, standInValues: string[]): Statement => ({
  text: statement.text,
  values: bindStandIns(statement.values, standInValues),
});

/** Planned from the request's shape, whose plain comparison values are stand-ins (see RequestShapes). */
function prepareRead(scope: ActionScope, name: string): PreparedRead {
  const { api, config, cache } = scope;
  const table = findTable(cache, api.schema, name);
  const root = planRead(
    cache,
    api.schema,
    {
      relation: { schema: table.schema, name: table.name },
      columns: table.columns,
      fromSource: false,
    },
    api.shape.query,
    {
      rootFilters: true,
      ranges: true,
      topLevelRange: api.topLevelRange,
      maxRows: config.maxRows,
      aggregatesEnabled: config.aggregatesEnabled,
    },
  );
  const planned = plannedRead(root);
  // The request log learns what was addressed even when negotiation refuses the request.
  scope.planned?.(boundTarget(planned, api.standInValues));
  const { media, shape } = negotiate(api, config, cache, false);
  checkStrict(api.preferences);
  const count = api.preferences.count;
  const statement = readStatement(
    root,
    shape,
    count === "exact" || count === "estimated",
    shape.kind === "object" && media.kind !== "plan",
  );
  return { root, planned, media, statement };
}

/** GET/HEAD on a table or view. */
export async function read(scope: ActionScope, name: string, headersOnly: boolean): Promise<Reply> {
  const { api, config } = scope;
  let prepared = scope.readPlans.get(api.shape);
  if (prepared) scope.planned?.(boundTarget(prepared.planned, api.standInValues));
  else {
    prepared = prepareRead(scope, name);
    scope.readPlans.set(api.shape, prepared);
  }
  const { root, media } = prepared;
  const statement = boundStatement(prepared.statement, api.standInValues);
  if (media.kind === "plan") return explain(scope, statement, media, true);
  const count = api.preferences.count;
  const countPlanned = count === "planned" || count === "estimated";
  // A singular read's statement fails unless it has one row (see readStatement): its end goes out
  // with it.
  const transactionEnding = {
    readOnly: true,
    end: ending(api.preferences, config),
    endAfterWork: countPlanned,
  };
  try {
    return await scope.transaction<ResultRow, Reply>(
      transactionEnding,
      statement,
      async (rows, run) => {
        const row = rows[0]!;
        if (countPlanned) await countRows(scope, run, root, row);
        return readReply(api, config, name, row, media, headersOnly);
      },
    );
  } catch (error) {
    const rows =
      error instanceof RestError && error.body.code === "22P02"
        ? singularGuardCount(error.body.message)
        : undefined;
    throw rows === undefined ? error : singularityError(rows);
  }
}

function prepareWrite(scope: ActionScope, table: Table, planned: WritePlan): PreparedWrite {
  const { api, config, cache } = scope;
  const prefs = api.preferences;
  const root = planRead(
    cache,
    api.schema,
    {
      relation: { schema: table.schema, name: table.name },
      columns: table.columns,
      fromSource: true,
    },
    api.query,
    {
      rootFilters: false,
      ranges: false,
      topLevelRange: { offset: 0 },
      maxRows: undefined,
      aggregatesEnabled: config.aggregatesEnabled,
    },
  );
  checkStrict(prefs);
  const representation = prefs.return === "representation";
  const { media, shape }: Negotiated = representation
    ? negotiate(api, config, cache, false)
    : { media: { kind: "json" }, shape: { kind: "none" } };
  const locationColumns =
    planned.kind === "insert" && prefs.return === "headers-only" ? table.primaryKey : [];
  const returning = representation ? neededColumns(root) : locationColumns;
  const plan: MutationPlan = {
    ...(planned.kind === "delete" ? planned : { ...planned, body: bodyStandIn }),
    returning,
  };
  return {
    media,
    shape,
    statement: mutationStatement(plan, root, shape, locationColumns),
    planned: plannedMutation(plan),
  };
}

/** The prepared write for this request's shape and planned columns, prepared now if need be. */
function preparedWrite(scope: ActionScope, table: Table, planned: WritePlan): PreparedWrite {
  let byColumns = scope.writePlans.get(scope.api.shape);
  if (!byColumns) scope.writePlans.set(scope.api.shape, (byColumns = new Map()));
  const key = columnSet(planned);
  let prepared = byColumns.get(key);
  if (prepared) byColumns.delete(key);
  else {
    prepared = prepareWrite(scope, table, planned);
    if (byColumns.size >= writeColumnSets) byColumns.delete(byColumns.keys().next().value!);
  }
  byColumns.set(key, prepared);
  return prepared;
}

/** POST, PUT, PATCH or DELETE on a table or view. */
export async function mutate(scope: ActionScope, name: string): Promise<Reply> {
  const { api, config, cache } = scope;
  const table = findTable(cache, api.schema, name);
  const prefs = api.preferences;
  const kind = api.action.kind;
  // Planned for each request: it checks the body, and its columns choose the prepared write.
  const planned =
    kind === "insert"
      ? planInsert(table, api.query, api.payload, prefs)
      : kind === "upsert-put"
        ? planPut(table, api.query, api.payload)
        : kind === "update"
          ? planUpdate(cache, table, api.query, api.payload, prefs)
          : planDelete(cache, table, api.query);
  const { media, shape, ...prepared } = preparedWrite(scope, table, planned);
  const body = planned.kind === "delete" ? undefined : planned.body;
  if (scope.planned) {
    const { write } = prepared.planned;
    scope.planned({
      ...prepared.planned,
      ...(write && { write: { ...write, params: withBody(write.params, body) } }),
    });
  }
  const statement = {
    text: prepared.statement.text,
    values: withBody(prepared.statement.values, body),
  };
  if (media.kind === "plan") return explain(scope, statement, media, false);

  const representation = prefs.return === "representation";
  const strictMax =
    prefs.handling === "strict" &&
    prefs.maxAffected !== undefined &&
    (kind === "update" || kind === "delete");
  const transactionEnding = {
    readOnly: false,
    end: ending(prefs, config),
    endAfterWork: shape.kind === "object" || strictMax,
  };
  return scope.transaction<ResultRow, Reply>(transactionEnding, statement, (rows) => {
    const row = rows[0]!;
    const affected = Number(row.affected);
    if (shape.kind === "object" && Number(row.page_total) !== 1)
      throw singularityError(Number(row.page_total));
    if (strictMax && affected > prefs.maxAffected!) throw maxAffectedViolation(affected);
    return mutationReply(api, config, table, row, media, { representation, strictMax });
  });
}

/** GET or POST on /rpc/<fn>. */
export async function call(
  scope: ActionScope,
  fn: string,
  isRead: boolean,
  headersOnly: boolean,
): Promise<Reply> {
  const { api, config, cache } = scope;
  const routine = findRoutine(
    cache,
    api.schema,
    fn,
    argumentNames(api, isRead),
    api.contentType,
    !isRead,
  );
  const composite =
    routine.returnsComposite &&
    cache.tables.get(qiKey(routine.returnsComposite.schema, routine.returnsComposite.name));
  const source: ReadSource = composite
    ? {
        relation: { schema: composite.schema, name: composite.name },
        columns: composite.columns,
        fromSource: true,
      }
    : {
        relation: { schema: routine.schema, name: routine.name },
        columns: new Map(routine.resultColumns.map((c) => [c.name, c])),
        fromSource: true,
      };
  const root = planRead(cache, api.schema, source, api.query, {
    rootFilters: true,
    ranges: true,
    topLevelRange: api.topLevelRange,
    maxRows: config.maxRows,
    aggregatesEnabled: config.aggregatesEnabled,
  });
  const negotiated = negotiate(api, config, cache, routine.returnsScalar);
  const { media } = negotiated;
  let shape: BodyShape = negotiated.shape;
  if (shape.kind === "scalar") shape = { kind: "scalar", set: routine.returnsSet };
  else if (shape.kind === "array" && !routine.returnsSet)
    shape = { kind: "object", stripNulls: shape.stripNulls };
  checkStrict(api.preferences);
  const prefs = api.preferences;
  const strictMax = prefs.handling === "strict" && prefs.maxAffected !== undefined;
  if (strictMax && !routine.returnsSet) throw maxAffectedRpcViolation();

  const plan: CallPlan = { routine, args: callArguments(api, routine) };
  const count = prefs.count;
  const statement = callStatement(plan, root, shape, count === "exact" || count === "estimated");
  const readOnly = isRead || routine.volatility !== "volatile";
  if (media.kind === "plan") return explain(scope, statement, media, readOnly);
  const transactionEnding = {
    readOnly,
    end: ending(prefs, config),
    endAfterWork: negotiated.shape.kind === "object" || strictMax,
  };
  return scope.transaction<ResultRow, Reply>(transactionEnding, statement, (rows) => {
    const row = rows[0]!;
    if (negotiated.shape.kind === "object" && Number(row.page_total) !== 1)
      throw singularityError(Number(row.page_total));
    if (strictMax && Number(row.affected) > prefs.maxAffected!)
      throw maxAffectedViolation(Number(row.affected));
    return callReply(api, config, row, media, {
      returnsVoid: routine.returnsVoid,
      strictMax,
      headersOnly,
    });
  });
}
