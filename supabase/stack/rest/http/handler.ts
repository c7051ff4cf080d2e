/**
 * The `/rest/v1` service: identity, request parsing, planning, one transaction, and the response
 * as PostgREST sends it (status, Content-Range, Content-Location, Location, Preference-Applied…).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import pg from "pg";
import { SharedBatches } from "../../database/batch.ts";
import { urlAs } from "../../database/connection.ts";
import { BodyTooLargeError, readBody } from "../../gateway/body.ts";
import { AuthFailure, checkApiKey, requestToken, verifyJwt } from "../../gateway/jwt.ts";
import type { RequestContext, Service, ServiceDeps } from "../../gateway/service.ts";
import type { RestConfig } from "../config.ts";
import {
  errorResponse,
  gucHeadersError,
  gucStatusError,
  invalidBody,
  invalidPreferences,
  invalidRange,
  maxAffectedRpcViolation,
  maxAffectedViolation,
  mediaTypeError,
  noSchemaCache,
  RestError,
  singularityError,
  tableNotFound,
} from "../errors.ts";
import { contentTypeOf, mimeOf, type MediaType } from "../parse/media.ts";
import { preferenceApplied, type Preferences } from "../parse/prefer.ts";
import { contentRange, rangeStatus } from "../parse/range.ts";
import { findRoutine } from "../plan/call.ts";
import { planDelete, planInsert, planPut, planUpdate } from "../plan/mutate.ts";
import { neededColumns, planRead, type ReadSource } from "../plan/read.ts";
import { closest } from "../plan/suggest.ts";
import type { CallArguments, CallPlan, ReadNode } from "../plan/types.ts";
import { RestState } from "../schema-cache/state.ts";
import { qiKey, type SchemaCache, type Table } from "../schema-cache/types.ts";
import { callStatement, explainStatement, mutationStatement, plannedCountStatement, readStatement, type BodyShape, type Statement } from "../sql/statements.ts";
import { openApiDocument } from "./openapi.ts";
import { parseApiRequest, type ApiRequest } from "./request.ts";
import { inTransaction, StatementNames, type Ending, type RequestIdentity, type RestConnections, type Run } from "./transaction.ts";

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function findTable(cache: SchemaCache, schema: string, name: string): Table {
  const table = cache.tables.get(qiKey(schema, name));
  if (table) return table;
  const names = [...cache.tables.values()].filter((t) => t.schema === schema).map((t) => t.name);
  const best = closest(name, names, 0.75);
  throw tableNotFound(schema, name, best === undefined ? null : `Perhaps you meant the table '${schema}.${best}'`);
}

function shapeFor(media: MediaType, config: RestConfig, cache: SchemaCache, scalarResult: boolean): BodyShape | undefined {
  switch (media.kind) {
    case "json":
    case "any":
      return scalarResult ? { kind: "scalar", set: false } : { kind: "array", stripNulls: false };
    case "array-stripped":
      return { kind: "array", stripNulls: true };
    case "object":
      return { kind: "object", stripNulls: media.stripNulls };
    case "csv":
      return { kind: "csv" };
    case "geojson":
      return cache.typeNames.has("geometry") ? { kind: "geojson" } : undefined;
    case "plan":
      return config.planEnabled ? shapeFor(media.for, config, cache, scalarResult) : undefined;
    default:
      return undefined;
  }
}

/** What the client accepts, mapped to how the statement shapes its body (PostgREST's negotiateContent). */
function negotiate(api: ApiRequest, config: RestConfig, cache: SchemaCache, scalarResult: boolean): { media: MediaType; shape: BodyShape } {
  for (const media of api.accept) {
    const shape = shapeFor(media, config, cache, scalarResult);
    if (shape) return { media: media.kind === "any" ? { kind: "json" } : media, shape };
  }
  throw mediaTypeError(api.accept.map(mimeOf));
}

function checkStrict(prefs: Preferences): void {
  if (prefs.handling === "strict" && prefs.invalid.length > 0) throw invalidPreferences(prefs.invalid);
}

/** `response.headers` / `response.status` set by the request's functions override ours, as in PostgREST. */
function applyGucs(reply: Reply, row: { response_headers: string | null; response_status: string | null }): Reply {
  // Most requests set neither; the reply is then the request's own and needs no copy.
  if (row.response_status === null && row.response_headers === null) return reply;
  const result = { ...reply, headers: { ...reply.headers } };
  if (row.response_status !== null) {
    const status = Number(row.response_status);
    if (!Number.isInteger(status) || status < 100 || status > 599) throw gucStatusError();
    result.status = status;
  }
  if (row.response_headers !== null) {
    let list: unknown;
    try {
      list = JSON.parse(row.response_headers);
    } catch {
      throw gucHeadersError();
    }
    if (!Array.isArray(list)) throw gucHeadersError();
    for (const entry of list) {
      const pairs = typeof entry === "object" && entry !== null ? Object.entries(entry) : [];
      if (pairs.length !== 1 || typeof pairs[0]![1] !== "string") throw gucHeadersError();
      const [name, value] = pairs[0]!;
      result.headers[name] = value as string;
    }
  }
  return result;
}

interface ResultRow {
  total: string | null;
  page_total: string;
  body: string | null;
  response_headers: string | null;
  response_status: string | null;
  affected?: string;
  inserted?: number | null;
  location?: string[] | null;
}

function bodyHeaders(api: ApiRequest, media: MediaType): Record<string, string> {
  return { "Content-Type": contentTypeOf(media), ...(api.negotiatedByProfile && { "Content-Profile": api.schema }) };
}

export class RestHandler {
  constructor(
    private readonly state: Promise<RestState>,
    private readonly connections: RestConnections,
    private readonly deps: ServiceDeps,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    let reply: Reply;
    try {
      reply = await this.respond(req, ctx);
    } catch (error) {
      reply = this.errorReply(error);
    }
    // Every reply's headers are built for this request alone, so they take Content-Length in place.
    reply.headers["Content-Length"] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, reply.headers);
    res.end(req.method === "HEAD" ? undefined : reply.body);
  }

  private errorReply(error: unknown): Reply {
    if (error instanceof AuthFailure) return { status: error.status, headers: { "Content-Type": "application/json; charset=utf-8", ...error.headers }, body: JSON.stringify(error.body) };
    if (error instanceof BodyTooLargeError) {
      return {
        status: 413,
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify({ code: "PGRST413", details: null, hint: null, message: "Payload Too Large" }),
      };
    }
    if (error instanceof RestError) return errorResponse(error);
    throw error;
  }

  private async respond(req: IncomingMessage, ctx: RequestContext): Promise<Reply> {
    const apikey = checkApiKey(req, ctx.url, this.deps.keys);
    const claims = await verifyJwt(requestToken(req, apikey), this.deps.keys.jwtSecret);
    // PostgREST falls back to the anonymous role for a token without one.
    const role = typeof claims.role === "string" ? claims.role : "anon";
    ctx.role = role;
    const identity: RequestIdentity = { role, claims, authenticated: role !== "anon" };

    const state = await this.state.catch(() => {
      throw noSchemaCache();
    });
    const config = state.config;
    const body = await readBody(req, config.maxBodyBytes);
    const rawQuery = ctx.url.search.slice(1);
    const api = parseApiRequest(req, ctx.path, rawQuery, body, config);
    const cache = state.cache;
    if (!cache) throw noSchemaCache();

    switch (api.action.kind) {
      case "schema":
        return this.openApi(api, config, cache, identity);
      case "read":
        return this.read(api, config, cache, identity, api.action.table, api.action.headersOnly);
      case "call":
        return this.call(api, config, cache, identity, api.action.fn, api.action.read, api.action.headersOnly);
      default:
        return this.mutate(api, config, cache, identity, api.action.table);
    }
  }

  /** Statement names for each schema cache; a reload starts afresh (see StatementNames). */
  private readonly statementNames = new WeakMap<SchemaCache, StatementNames>();

  /** The request's transaction (see inTransaction). */
  private transaction<R extends pg.QueryResultRow, T>(
    api: ApiRequest,
    config: RestConfig,
    cache: SchemaCache,
    identity: RequestIdentity,
    ending: { readOnly: boolean; end: Ending; endAfterWork: boolean },
    statement: Statement,
    work: (rows: R[], run: Run) => Promise<T> | T,
  ): Promise<T> {
    let names = this.statementNames.get(cache);
    if (!names) {
      names = new StatementNames();
      this.statementNames.set(cache, names);
    }
    const settings = { method: api.method, path: api.path, headers: api.headers, cookies: api.cookies, schema: api.schema };
    return inTransaction(this.connections, names, config, { identity, settings, ...ending }, statement, work);
  }

  private async openApi(api: ApiRequest, config: RestConfig, cache: SchemaCache, identity: RequestIdentity): Promise<Reply> {
    if (config.openApiMode === "disabled") throw new RestError(404, { code: "PGRST126", details: null, hint: null, message: "Root endpoint metadata is disabled" });
    if (!api.accept.some((m) => m.kind === "openapi" || m.kind === "json" || m.kind === "any")) throw mediaTypeError(api.accept.map(mimeOf));
    const privileges =
      config.openApiMode === "follow-privileges"
        ? await this.transaction<{ name: string }, Set<string>>(
            api,
            config,
            cache,
            identity,
            { readOnly: true, end: "rollback", endAfterWork: false },
            {
              text: `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1 AND (has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE') OR has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE'))`,
              values: [api.schema],
            },
            (rows) => new Set(rows.map((r) => r.name)),
          )
        : undefined;
    const document = openApiDocument(cache, api.schema, privileges, api.headers.host);
    return { status: 200, headers: { "Content-Type": "application/openapi+json; charset=utf-8", ...(api.negotiatedByProfile && { "Content-Profile": api.schema }) }, body: JSON.stringify(document) };
  }

  private rangeReply(api: ApiRequest, row: ResultRow, media: MediaType, headers: Record<string, string>, prefs: Partial<Preferences>): Reply {
    const rows = Number(row.page_total);
    const total = row.total === null ? undefined : Number(row.total);
    const lower = api.topLevelRange.offset;
    const status = rangeStatus(lower, rows, total);
    const applied = preferenceApplied(prefs);
    const base = {
      "Content-Range": contentRange(lower, lower + rows - 1, total),
      ...headers,
      ...(applied && { "Preference-Applied": applied }),
    };
    if (status === 416) {
      const error = errorResponse(invalidRange(`An offset of ${lower} was requested, but there are only ${total} rows.`));
      return { ...error, headers: { ...error.headers, "Content-Range": `*/${total}` } };
    }
    return { status, headers: { ...base, ...bodyHeaders(api, media) }, body: row.body ?? "" };
  }

  private async countRows(run: Run, api: ApiRequest, config: RestConfig, root: ReadNode, row: ResultRow): Promise<void> {
    const count = api.preferences.count;
    if (count !== "planned" && count !== "estimated") return;
    const statement = plannedCountStatement(root);
    const { rows } = await run<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }>(statement.text, statement.values);
    const planned = rows[0]!["QUERY PLAN"][0].Plan["Plan Rows"];
    // estimated: the exact count while it stays within max-rows, the planner's beyond.
    if (count === "planned" || row.total === null || config.maxRows === undefined || Number(row.total) > config.maxRows) row.total = String(planned);
  }

  private async read(api: ApiRequest, config: RestConfig, cache: SchemaCache, identity: RequestIdentity, name: string, headersOnly: boolean): Promise<Reply> {
    const table = findTable(cache, api.schema, name);
    const root = planRead(cache, api.schema, { relation: { schema: table.schema, name: table.name }, columns: table.columns, fromSource: false }, api.query, {
      rootFilters: true,
      ranges: true,
      topLevelRange: api.topLevelRange,
      maxRows: config.maxRows,
      aggregatesEnabled: config.aggregatesEnabled,
    });
    const { media, shape } = negotiate(api, config, cache, false);
    checkStrict(api.preferences);
    const count = api.preferences.count;
    const statement = readStatement(root, shape, count === "exact" || count === "estimated");
    if (media.kind === "plan") return this.explain(api, config, cache, identity, statement, media, true);
    const countPlanned = count === "planned" || count === "estimated";
    const ending = { readOnly: true, end: this.ending(api.preferences, config), endAfterWork: shape.kind === "object" || countPlanned };
    return this.transaction<ResultRow, Reply>(api, config, cache, identity, ending, statement, async (rows, run) => {
      const row = rows[0]!;
      if (shape.kind === "object" && Number(row.page_total) !== 1) throw singularityError(Number(row.page_total));
      if (countPlanned) await this.countRows(run, api, config, root, row);
      const location = `/${name}${api.query.canonical ? `?${api.query.canonical}` : ""}`;
      let reply = this.rangeReply(api, row, media, { "Content-Location": location }, { count, ...this.commonPrefs(api.preferences, config) });
      reply = applyGucs(reply, row);
      if (headersOnly) reply.body = "";
      return reply;
    });
  }

  /** Preferences every response reports when honoured. */
  private commonPrefs(prefs: Preferences, config: RestConfig): Partial<Preferences> {
    const allowTx = config.txEnd.endsWith("allow-override");
    return {
      ...(prefs.handling && { handling: prefs.handling }),
      ...(prefs.timezone && { timezone: prefs.timezone }),
      ...(allowTx && prefs.tx && { tx: prefs.tx }),
    };
  }

  /** How the request's transaction ends: `Prefer: tx` where `db_tx_end` allows it, else `db_tx_end`. */
  private ending(prefs: Preferences, config: RestConfig): Ending {
    const allowTx = config.txEnd.endsWith("allow-override");
    if (allowTx && prefs.tx) return prefs.tx;
    return config.txEnd.startsWith("commit") ? "commit" : "rollback";
  }

  private async explain(
    api: ApiRequest,
    config: RestConfig,
    cache: SchemaCache,
    identity: RequestIdentity,
    statement: Statement,
    media: Extract<MediaType, { kind: "plan" }>,
    readOnly: boolean,
  ): Promise<Reply> {
    const explain = explainStatement(statement, media);
    // ANALYZE runs the statement: never keep what it changed.
    return this.transaction<{ "QUERY PLAN": unknown }, Reply>(api, config, cache, identity, { readOnly, end: "rollback", endAfterWork: false }, explain, (rows) => {
      const body = media.format === "json" ? JSON.stringify(rows[0]!["QUERY PLAN"]) : rows.map((r) => String(r["QUERY PLAN"])).join("\n");
      return { status: 200, headers: { "Content-Type": contentTypeOf(media) }, body };
    });
  }

  private async mutate(api: ApiRequest, config: RestConfig, cache: SchemaCache, identity: RequestIdentity, name: string): Promise<Reply> {
    const table = findTable(cache, api.schema, name);
    const prefs = api.preferences;
    const kind = api.action.kind;
    const planned =
      kind === "insert"
        ? planInsert(table, api.query, api.payload, prefs)
        : kind === "upsert-put"
          ? planPut(table, api.query, api.payload)
          : kind === "update"
            ? planUpdate(cache, table, api.query, api.payload, prefs)
            : planDelete(cache, table, api.query);
    const root = planRead(cache, api.schema, { relation: { schema: table.schema, name: table.name }, columns: table.columns, fromSource: true }, api.query, {
      rootFilters: false,
      ranges: false,
      topLevelRange: { offset: 0 },
      maxRows: undefined,
      aggregatesEnabled: config.aggregatesEnabled,
    });
    checkStrict(prefs);
    const representation = prefs.return === "representation";
    const { media, shape } = representation ? negotiate(api, config, cache, false) : { media: { kind: "json" } as MediaType, shape: { kind: "none" } as BodyShape };
    const isInsert = planned.kind === "insert";
    const locationColumns = isInsert && prefs.return === "headers-only" ? table.primaryKey : [];
    const returning = representation ? neededColumns(root) : locationColumns;
    const plan = { ...planned, returning };
    const statement = mutationStatement(plan, root, shape, locationColumns);
    if (media.kind === "plan") return this.explain(api, config, cache, identity, statement, media, false);

    const strictMax = prefs.handling === "strict" && prefs.maxAffected !== undefined && (kind === "update" || kind === "delete");
    const ending = { readOnly: false, end: this.ending(prefs, config), endAfterWork: shape.kind === "object" || strictMax };
    return this.transaction<ResultRow, Reply>(api, config, cache, identity, ending, statement, (rows) => {
      const row = rows[0]!;
      const affected = Number(row.affected);
      if (shape.kind === "object" && Number(row.page_total) !== 1) throw singularityError(Number(row.page_total));
      if (strictMax && affected > prefs.maxAffected!) throw maxAffectedViolation(affected);

      const applied = preferenceApplied({
        ...(isInsert && (table.primaryKey.length > 0 || api.query.onConflict) && prefs.resolution && { resolution: prefs.resolution }),
        ...((kind === "insert" || kind === "update") && prefs.missing && { missing: prefs.missing }),
        ...(prefs.return && { return: prefs.return }),
        ...(prefs.count && { count: prefs.count }),
        ...this.commonPrefs(prefs, config),
        ...(strictMax && { maxAffected: prefs.maxAffected! }),
      });
      const counted = prefs.count === "exact" || prefs.count === "estimated" ? affected : undefined;
      const headers: Record<string, string> = {
        "Content-Range": kind === "update" ? contentRange(0, affected - 1, counted) : contentRange(1, 0, counted),
        ...(applied && { "Preference-Applied": applied }),
      };
      if (row.location) {
        const pairs = row.location;
        const filters: string[] = [];
        for (let i = 0; i < pairs.length; i += 2) filters.push(`${encodeURIComponent(pairs[i]!)}=eq.${encodeURIComponent(pairs[i + 1] ?? "")}`);
        headers.Location = `/${name}?${filters.join("&")}`;
      }
      let status: number;
      if (kind === "insert") status = row.inserted !== null && row.inserted !== undefined && row.inserted <= 0 && prefs.resolution === "merge-duplicates" ? 200 : 201;
      else if (kind === "upsert-put") status = representation ? (row.inserted !== null && row.inserted !== undefined && row.inserted > 0 ? 201 : 200) : 204;
      else status = representation ? 200 : 204;
      const reply: Reply = representation
        ? { status, headers: { ...headers, ...bodyHeaders(api, media) }, body: row.body ?? "" }
        : { status, headers, body: "" };
      return applyGucs(reply, row);
    });
  }

  private callArguments(api: ApiRequest, routine: CallPlan["routine"]): CallArguments {
    const [only] = routine.params;
    if (routine.params.length === 1 && only!.name === "") {
      const payload = api.payload!;
      const body = payload.kind === "raw" ? payload.text : payload.kind === "rows" ? payload.raw : "";
      return { kind: "single", body, type: only!.type };
    }
    const byName = new Map(routine.params.map((p) => [p.name, p]));
    const textArgs = (pairs: [string, string][]): CallArguments => {
      const values = new Map<string, string[]>();
      for (const [key, value] of pairs) values.set(key, [...(values.get(key) ?? []), value]);
      return {
        kind: "text",
        values: [...values].map(([key, list]) => {
          const param = byName.get(key)!;
          return [param, param.variadic ? list : list.at(-1)!];
        }),
      };
    };
    if (api.action.kind === "call" && api.action.read) return api.query.rpcArguments.length > 0 ? textArgs(api.query.rpcArguments) : { kind: "none" };
    const payload = api.payload!;
    if (payload.kind === "form") return textArgs(payload.fields);
    if (payload.kind !== "rows") throw invalidBody("Empty or invalid json");
    const row = payload.rows[0] ?? {};
    const keys = api.query.columns ?? Object.keys(row);
    const params = keys.map((k) => byName.get(k)!).filter(Boolean);
    return params.length === 0 ? { kind: "none" } : { kind: "json-object", body: JSON.stringify(row), params };
  }

  private async call(api: ApiRequest, config: RestConfig, cache: SchemaCache, identity: RequestIdentity, fn: string, read: boolean, headersOnly: boolean): Promise<Reply> {
    const payload = api.payload;
    const keys = new Set(
      read
        ? api.query.rpcArguments.map(([k]) => k)
        : payload?.kind === "form"
          ? payload.fields.map(([k]) => k)
          : payload?.kind === "rows"
            ? (api.query.columns ?? Object.keys(payload.rows[0] ?? {}))
            : [],
    );
    const routine = findRoutine(cache, api.schema, fn, keys, api.contentType, !read);
    const composite = routine.returnsComposite && cache.tables.get(qiKey(routine.returnsComposite.schema, routine.returnsComposite.name));
    const source: ReadSource = composite
      ? { relation: { schema: composite.schema, name: composite.name }, columns: composite.columns, fromSource: true }
      : { relation: { schema: routine.schema, name: routine.name }, columns: new Map(routine.resultColumns.map((c) => [c.name, c])), fromSource: true };
    const root = planRead(cache, api.schema, source, api.query, {
      rootFilters: true,
      ranges: true,
      topLevelRange: api.topLevelRange,
      maxRows: config.maxRows,
      aggregatesEnabled: config.aggregatesEnabled,
    });
    const negotiated = negotiate(api, config, cache, routine.returnsScalar);
    const { media } = negotiated;
    let shape = negotiated.shape;
    if (shape.kind === "scalar") shape = { kind: "scalar", set: routine.returnsSet };
    else if (shape.kind === "array" && !routine.returnsSet) shape = { kind: "object", stripNulls: shape.stripNulls };
    checkStrict(api.preferences);
    const prefs = api.preferences;
    const strictMax = prefs.handling === "strict" && prefs.maxAffected !== undefined;
    if (strictMax && !routine.returnsSet) throw maxAffectedRpcViolation();

    const plan: CallPlan = { routine, args: this.callArguments(api, routine) };
    const count = prefs.count;
    const statement = callStatement(plan, root, shape, count === "exact" || count === "estimated");
    const readOnly = read || routine.volatility !== "volatile";
    if (media.kind === "plan") return this.explain(api, config, cache, identity, statement, media, readOnly);
    const ending = { readOnly, end: this.ending(prefs, config), endAfterWork: negotiated.shape.kind === "object" || strictMax };
    return this.transaction<ResultRow, Reply>(api, config, cache, identity, ending, statement, (rows) => {
      const row = rows[0]!;
      if (negotiated.shape.kind === "object" && Number(row.page_total) !== 1) throw singularityError(Number(row.page_total));
      if (strictMax && Number(row.affected) > prefs.maxAffected!) throw maxAffectedViolation(Number(row.affected));
      const applied = { ...(count && { count }), ...this.commonPrefs(prefs, config), ...(strictMax && { maxAffected: prefs.maxAffected! }) };
      let reply: Reply;
      if (routine.returnsVoid) {
        const pa = preferenceApplied(applied);
        reply = { status: 204, headers: { "Content-Range": contentRange(api.topLevelRange.offset, api.topLevelRange.offset + Number(row.page_total) - 1, undefined), ...(pa && { "Preference-Applied": pa }) }, body: "" };
      } else {
        reply = this.rangeReply(api, row, media, {}, applied);
      }
      reply = applyGucs(reply, row);
      if (headersOnly) reply.body = "";
      return reply;
    });
  }
}

/** The `/rest/v1` service, registered with the gateway. */
export function createRestService(deps: ServiceDeps): Service {
  const url = urlAs(deps.dbUrl, "authenticator");
  const state = RestState.start(url, deps.config, (line) => console.error(line));
  // A failed first load is reported on each request (PGRST002) rather than crashing the stack.
  state.catch((error: unknown) => console.error(`rest: cannot start: ${(error as Error).message}`));
  // Pipeline mode lets batches share a connection (see SharedBatches). A connection is retired after
  // maxUses checkouts, which bounds the prepared statements it keeps (see StatementNames) whatever
  // the mix of requests.
  const pool = new pg.Pool({ connectionString: url, max: 20, maxUses: 5_000, pipeline: true });
  pool.on("error", () => undefined);
  const handler = new RestHandler(state, { pool, shared: new SharedBatches(pool) }, deps);
  return {
    prefix: "/rest/v1",
    handle: (req, res, ctx) => handler.handle(req, res, ctx),
    async close() {
      await pool.end();
      await (await state.catch(() => undefined))?.close();
    },
  };
}
