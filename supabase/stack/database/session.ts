/**
 * Database sessions for the services: pools opened one way, transactions run one way, and a
 * transaction that acts as the caller with the settings PostgREST gives a request, which policies,
 * `auth.uid()` and `auth.jwt()` read.
 */
import pg from "pg";
import type { Logger } from "../logger.ts";

/**
 * A pool as a service opens one. An idle connection that breaks (the server stopping first, a
 * db:reset dropping the database) must not crash the stack: it is logged (unless the server is
 * simply shutting down), and the next checkout opens a new one.
 */
export function openPool(
  service: string,
  log: Logger,
  config: pg.PoolConfig & { connectionString: string },
): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", (error) => {
    // 57P01: PostgreSQL is shutting down (Ctrl-C reaches it with the stack, db:reset stops it);
    // the stack says so itself, and the next checkout finds out whether it is back.
    if ((error as Error & { code?: string }).code === "57P01") return;
    log.error(`${service}: idle database connection failed: ${error.message}`);
  });
  return pool;
}

/**
 * Thrown inside a transaction to keep its writes and still fail, as GoTrue does when it revokes a
 * session over a reused refresh token and then answers with an error.
 */
export class CommitThenThrow extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

/**
 * Runs `work` in one transaction: on a connection of `pool`'s, or on `client` itself. It commits
 * (or, with `end: "rollback"`, always rolls back: a check that must leave nothing behind) unless
 * `work` throws, which rolls it back, except for CommitThenThrow.
 */
export async function transaction<T>(
  on: pg.Pool | pg.Client,
  work: (client: pg.ClientBase) => Promise<T>,
  options: { end?: "commit" | "rollback" } = {},
): Promise<T> {
  const client = on instanceof pg.Pool ? await on.connect() : on;
  try {
    await client.query("begin");
    let result: T;
    try {
      result = await work(client);
    } catch (error) {
      if (error instanceof CommitThenThrow) {
        await client.query("commit");
        throw error.error;
      }
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
    await client.query(options.end === "rollback" ? "rollback" : "commit");
    return result;
  } finally {
    if (client !== on) (client as pg.PoolClient).release();
  }
}

/** Who a transaction acts as: a JWT's role and claims. */
export interface Caller {
  role: string;
  claims: Record<string, unknown>;
}

/** The `sub` claim as `request.jwt.claim.sub` carries it: empty when the token has none. */
export function subjectOf(caller: Caller): string {
  return typeof caller.claims.sub === "string" ? caller.claims.sub : "";
}

/**
 * The settings that make a transaction act as `caller`: its `role` and `request.jwt.claims`, the two
 * every upstream sets, then `request` (PostgREST's `request.method`, `request.path`,
 * `request.headers`, `request.cookies`, and whatever the service's upstream adds, such as
 * `realtime.topic` or `storage.operation`), in that order.
 */
export function callerSettings(
  caller: Caller,
  request: Record<string, string> = {},
): Record<string, string> {
  return { role: caller.role, "request.jwt.claims": JSON.stringify(caller.claims), ...request };
}

/** The per-claim settings PostgREST once set and Realtime and storage-api still do. */
export function legacyClaimSettings(caller: Caller): Record<string, string> {
  return { "request.jwt.claim.sub": subjectOf(caller), "request.jwt.claim.role": caller.role };
}

/**
 * A select list that sets each of `names` transaction-locally to the matching SQL expression of
 * `values` (a `$n` placeholder, or an expression a PL/pgSQL loop evaluates per caller).
 */
export function setConfigList(names: readonly string[], values: readonly string[]): string {
  return names.map((name, i) => `set_config('${name}', ${values[i]}, true)`).join(", ");
}

/** Switches `client`'s current transaction to a caller, with settings as `callerSettings` builds them. */
export async function actAs(
  client: pg.ClientBase,
  settings: Record<string, string>,
): Promise<void> {
  const names = Object.keys(settings);
  await client.query(
    `select ${setConfigList(
      names,
      names.map((_, i) => `$${i + 1}`),
    )}`,
    Object.values(settings),
  );
}

/** Any UUID, as PostgreSQL's uuid type and GoTrue's uuid.FromString accept it (no version check). */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
