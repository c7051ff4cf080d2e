/**
 * The `/rest/v1` service, PostgREST locally: who the caller is, the request read as PostgREST's
 * ApiRequest, its action (actions.ts: plan, statement, transaction, reply), and the reply written.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type pg from "pg";
import { urlAs } from "../database/connection.ts";
import { openPool } from "../database/session.ts";
import { BodyTooLargeError, readBody } from "../http/body.ts";
import { observed } from "../http/events.ts";
import { ApiKeyRejected, bearerToken, checkApiKey } from "../http/credentials.ts";
import { JwtRejected, verifyJwt } from "../http/jwt.ts";
import type { RequestContext, Service, ServiceDeps } from "../http/service.ts";
import {
  call,
  mutate,
  openApi,
  read,
  type ActionScope,
  type ReadPlans,
  type WritePlans,
  type TransactionEnding,
} from "./actions.ts";
import { errorResponse, jwtRejected, noSchemaCache, RestError } from "./errors.ts";
import type { Reply } from "./http/reply.ts";
import { parseApiRequest, RequestShapes } from "./http/request.ts";
import type { Statement } from "./query/statements.ts";
import { RestState } from "./schema-cache/state.ts";
import type { RestConfig } from "./config.ts";
import type { SchemaCache } from "./schema-cache/types.ts";
import { SharedBatches } from "./transaction/batch.ts";
import {
  inTransaction,
  StatementNames,
  type RequestIdentity,
  type RestConnections,
  type Run,
} from "./transaction/run.ts";

/** The largest body whose planned write the request log keeps, for the console's "why". */
const plannedBodyLimit = 64 * 1024;

interface Prepared {
  names: StatementNames;
  readPlans: ReadPlans;
  writePlans: WritePlans;
}

class RestService {
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
    if (error instanceof ApiKeyRejected)
      return {
        status: error.status,
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify(error.body),
      };
    if (error instanceof JwtRejected) return errorResponse(jwtRejected(error));
    if (error instanceof BodyTooLargeError) {
      return {
        status: 413,
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify({
          code: "PGRST413",
          details: null,
          hint: null,
          message: "Payload Too Large",
        }),
      };
    }
    if (error instanceof RestError) return errorResponse(error);
    throw error;
  }

  private async respond(req: IncomingMessage, ctx: RequestContext): Promise<Reply> {
    await checkApiKey(req, ctx.url, this.deps.keys);
    // The router forwarded the apikey as the bearer token of a request without one.
    const claims = await verifyJwt(bearerToken(req) ?? "", this.deps.keys);
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
    const api = parseApiRequest(req, ctx.path, rawQuery, body, this.shapesFor(config));
    ctx.claims = claims;
    if (api.action.kind === "call")
      ctx.target = { schema: api.schema, name: api.action.fn, kind: "function" };
    else if (api.action.kind !== "schema")
      ctx.target = { schema: api.schema, name: api.action.table, kind: "table" };
    const cache = state.cache;
    if (!cache) throw noSchemaCache();
    const prepared = this.preparedFor(cache);

    const scope: ActionScope = {
      api,
      config,
      cache,
      readPlans: prepared.readPlans,
      writePlans: prepared.writePlans,
      identity,
      // The request log keeps its last 1,000 events: a large body is not kept with them.
      planned:
        observed("request") && body.length <= plannedBodyLimit
          ? (planned) => (ctx.planned = planned)
          : undefined,
      transaction: <R extends pg.QueryResultRow, T>(
        ending: TransactionEnding,
        statement: Statement,
        work: (rows: R[], run: Run) => Promise<T> | T,
      ) => {
        const settings = {
          method: api.method,
          path: api.path,
          headers: api.headers,
          cookies: api.cookies,
          schema: api.schema,
        };
        return inTransaction(
          this.connections,
          prepared.names,
          config,
          { identity, settings, ...ending },
          statement,
          work,
        );
      },
    };
    switch (api.action.kind) {
      case "schema":
        return openApi(scope);
      case "read":
        return read(scope, api.action.table, api.action.headersOnly);
      case "call":
        return call(scope, api.action.fn, api.action.read, api.action.headersOnly);
      default:
        return mutate(scope, api.action.table);
    }
  }

  /** Request shapes parsed under each configuration: a config reload parses afresh. */
  private readonly shapes = new WeakMap<RestConfig, RequestShapes>();

  private shapesFor(config: RestConfig): RequestShapes {
    let shapes = this.shapes.get(config);
    if (!shapes) {
      shapes = new RequestShapes(config);
      this.shapes.set(config, shapes);
    }
    return shapes;
  }

  /**
   * What is prepared against each schema cache, statement names (see StatementNames), read and
   * write plans: a schema reload starts them all afresh.
   */
  private readonly prepared = new WeakMap<SchemaCache, Prepared>();

  private preparedFor(cache: SchemaCache): Prepared {
    let prepared = this.prepared.get(cache);
    if (!prepared) {
      prepared = {
        names: new StatementNames(),
        readPlans: new WeakMap(),
        writePlans: new WeakMap(),
      };
      this.prepared.set(cache, prepared);
    }
    return prepared;
  }
}

/** The `/rest/v1` service, registered with the gateway. */
export function createRestService(deps: ServiceDeps): Service {
  const url = urlAs(deps.dbUrl, "authenticator");
  const state = RestState.start(url, deps.config, deps.log.error);
  // A failed first load is reported on each request (PGRST002) rather than crashing the stack.
  state.catch((error: unknown) =>
    deps.log.error(`rest: cannot start: ${(error as Error).message}`),
  );
  // Pipeline mode lets batches share a connection (see SharedBatches). A connection is retired after
  // maxUses checkouts, which bounds the prepared statements it keeps (see StatementNames) whatever
  // the mix of requests.
  const pool = openPool("rest", deps.log, {
    connectionString: url,
    max: 20,
    maxUses: 5_000,
    pipeline: true,
  });
  const handler = new RestService(state, { pool, shared: new SharedBatches(pool) }, deps);
  return {
    prefix: "/rest/v1",
    apikeyAsBearer: true,
    handle: (req, res, ctx) => handler.handle(req, res, ctx),
    async close() {
      await pool.end();
      await (await state.catch(() => undefined))?.close();
    },
  };
}
