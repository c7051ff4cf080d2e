/**
 * Each request is one transaction on a pooled `authenticator` connection, as in PostgREST: the
 * JWT's role, `request.jwt.claims`, `request.headers`, `request.cookies`, `request.method`,
 * `request.path` and the search path are set transaction-locally, so nothing outlives it.
 */
import type pg from "pg";
import type { DatabaseError } from "pg";
import type { RestConfig } from "../config.ts";
import { connectionError, fromPgError, RestError } from "../errors.ts";
import { ident } from "../../database/identifiers.ts";

export interface RequestIdentity {
  role: string;
  claims: Record<string, unknown>;
  /** A token with a role other than the anonymous one: 42501 is then 403, not 401. */
  authenticated: boolean;
}

export interface RequestSettings {
  method: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  schema: string;
}

export type Run = <R extends pg.QueryResultRow>(text: string, values: unknown[]) => Promise<pg.QueryResult<R>>;

/**
 * Names for the statements requests send again and again, so that each pooled connection parses
 * and plans them once, as PostgREST prepares its statements; planning is most of what PostgreSQL
 * spends on a small read. A text gets a name the second time it is seen among the last `limit`
 * texts, so one-off shapes (a fuzzer, a typo) are never kept on the connections. Names are never
 * reused. One instance serves one schema cache: after a reload statements are parsed afresh, their
 * parameter types inferred from the columns as they are now.
 */
export class StatementNames {
  private static next = 0;
  /** Text → its name once it has one; in order of last use, oldest first. */
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly limit = 200) {}

  nameOf(text: string): string | undefined {
    // A text with a name is the common case: one lookup finds it, a long key is costly to compare.
    let name = this.texts.get(text);
    if (name === undefined) {
      if (!this.texts.has(text)) {
        if (this.texts.size >= this.limit) this.texts.delete(this.texts.keys().next().value!);
        this.texts.set(text, undefined);
        return undefined;
      }
      name = `pgrst_${StatementNames.next++}`;
    }
    this.texts.delete(text);
    this.texts.set(text, name);
    return name;
  }
}

/**
 * The request's settings, in PostgREST's order, every value bound. A named statement: its text
 * never changes, so each pooled connection parses and plans it once.
 */
const settingsQuery = {
  name: "pgrst_request_settings",
  text: `SELECT ${["role", "search_path", "request.jwt.claims", "request.method", "request.path", "request.headers", "request.cookies"]
    .map((name, i) => `set_config('${name}', $${i + 1}, true)`)
    .join(", ")}`,
};

/** `search_path` for each configuration and schema: the same few texts serve every request. */
const searchPaths = new WeakMap<RestConfig, Map<string, string>>();

function searchPathFor(config: RestConfig, schema: string): string {
  let bySchema = searchPaths.get(config);
  if (!bySchema) {
    bySchema = new Map();
    searchPaths.set(config, bySchema);
  }
  let text = bySchema.get(schema);
  if (text === undefined) {
    text = [...new Set([schema, ...config.extraSearchPath])].map(ident).join(", ");
    bySchema.set(schema, text);
  }
  return text;
}

/**
 * `request.jwt.claims` for each claims object. The verified-token cache hands every request with
 * the same token the same frozen claims, so the JSON is built once a token rather than once a request.
 */
const claimsTexts = new WeakMap<object, string>();

function claimsText(claims: Record<string, unknown>): string {
  let text = claimsTexts.get(claims);
  if (text === undefined) {
    text = JSON.stringify(claims);
    if (Object.isFrozen(claims)) claimsTexts.set(claims, text);
  }
  return text;
}

/**
 * Runs `work` in a transaction and ends it as `work` decides. The pool's connections pipeline: BEGIN,
 * the settings, the pre-request function and the statement `work` sends first go out together in
 * one write, so a request costs two round trips (that batch, then COMMIT or ROLLBACK once its result
 * is known) and two writes to the socket, which cost more than anything else the service does.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  names: StatementNames,
  config: RestConfig,
  identity: RequestIdentity,
  settings: RequestSettings,
  readOnly: boolean,
  work: (run: Run) => Promise<{ result: T; commit: boolean }>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw connectionError((error as Error).message);
  }
  const values = [
    identity.role,
    searchPathFor(config, settings.schema),
    claimsText(identity.claims),
    settings.method,
    settings.path,
    JSON.stringify(settings.headers),
    JSON.stringify(settings.cookies),
  ];
  let broken = false;
  try {
    // Queries are written as they are sent; corked, they leave together once `work` has sent its first.
    const socket = client.connection.stream;
    socket.cork();
    let prelude: Promise<unknown>;
    let working: Promise<{ result: T; commit: boolean }>;
    try {
      const steps = [client.query(readOnly ? "BEGIN READ ONLY" : "BEGIN"), client.query({ ...settingsQuery, values })];
      if (config.preRequest) {
        const [schema, name] = config.preRequest.includes(".") ? config.preRequest.split(".", 2) : [settings.schema, config.preRequest];
        steps.push(client.query(`SELECT ${ident(schema!)}.${ident(name!)}()`));
      }
      prelude = Promise.all(steps);
      // Awaited below, after `work`; until then a failure must not count as unhandled.
      prelude.catch(() => undefined);
      // A failed prelude fails every statement behind it (25P02): report the prelude's error instead.
      // Passed inline: under tsx a closure bound to a name is renamed (Object.defineProperty) each time it is made.
      working = work(<R extends pg.QueryResultRow>(text: string, values: unknown[]) => {
        const name = names.nameOf(text);
        const result = client.query<R>(name === undefined ? { text, values } : { name, text, values });
        return prelude.then(
          () => result,
          (error: unknown) => {
            result.catch(() => undefined);
            throw error;
          },
        );
      });
    } finally {
      socket.uncork();
    }
    try {
      const { result, commit } = await working;
      await prelude;
      await client.query(commit ? "COMMIT" : "ROLLBACK");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      if (error instanceof RestError) throw error;
      if ((error as DatabaseError).code !== undefined && (error as DatabaseError).severity !== undefined) {
        throw fromPgError(error as DatabaseError, identity.authenticated);
      }
      broken = true;
      throw connectionError((error as Error).message);
    }
  } finally {
    client.release(broken);
  }
}
