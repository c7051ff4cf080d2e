import type pg from "pg";
import { openPool, transaction } from "../database/session.ts";
import type { Logger } from "../logger.ts";

/** A query runner: the pool for single statements, or one client inside a transaction. */
export type Db = Pick<pg.ClientBase, "query">;

export interface AuthDb {
  pool: pg.Pool;
  /** Runs `work` in one transaction, so a failed request leaves nothing half-written. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Connects as `supabase_auth_admin`, the role GoTrue uses, so triggers and ownership behave as on Supabase. */
export function openAuthDb(url: string, log: Logger): AuthDb {
  const pool = openPool("auth", log, { connectionString: url, max: 10 });
  return {
    pool,
    transaction: (work) => transaction(pool, work),
    close: () => pool.end(),
  };
}
