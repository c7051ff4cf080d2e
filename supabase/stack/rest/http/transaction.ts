/**
 * Each request is one transaction on a pooled `authenticator` connection, as in PostgREST: the
 * JWT's role, `request.jwt.claims`, `request.headers`, `request.cookies`, `request.method`,
 * `request.path` and the search path are set transaction-locally, so nothing outlives it.
 */
import type pg from "pg";
import type { DatabaseError } from "pg";
import type { RestConfig } from "../config.ts";
import { connectionError, fromPgError, RestError } from "../errors.ts";
import { ident } from "../sql/fragments.ts";

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
 * Runs `work` in a transaction and ends it as `decide` says. The prelude is one round trip in the
 * simple protocol, its values quoted with escapeLiteral; request data in statements is always bound.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
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
  const lit = (value: string) => client.escapeLiteral(value);
  const searchPath = [...new Set([settings.schema, ...config.extraSearchPath])].map(ident).join(", ");
  const gucs: [string, string][] = [
    ["role", identity.role],
    ["search_path", searchPath],
    ["request.jwt.claims", JSON.stringify(identity.claims)],
    ["request.method", settings.method],
    ["request.path", settings.path],
    ["request.headers", JSON.stringify(settings.headers)],
    ["request.cookies", JSON.stringify(settings.cookies)],
  ];
  let broken = false;
  try {
    const prelude = `BEGIN${readOnly ? " READ ONLY" : ""}; SELECT ${gucs.map(([k, v]) => `set_config(${lit(k)}, ${lit(v)}, true)`).join(", ")}`;
    try {
      await client.query(prelude);
      if (config.preRequest) {
        const [schema, name] = config.preRequest.includes(".") ? config.preRequest.split(".", 2) : [settings.schema, config.preRequest];
        await client.query(`SELECT ${ident(schema!)}.${ident(name!)}()`);
      }
      const run: Run = (text, values) => client.query(text, values);
      const { result, commit } = await work(run);
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
