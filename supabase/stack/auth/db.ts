import pg from "pg";

/** A query runner: the pool for single statements, or one client inside a transaction. */
export type Db = Pick<pg.PoolClient, "query">;

/**
 * Thrown inside a transaction to keep its writes and still fail the request, as GoTrue does when it
 * revokes a session over a reused refresh token and then answers with an error.
 */
export class CommitThenThrow extends Error {
  constructor(readonly error: Error) {
    super(error.message);
  }
}

export interface AuthDb {
  pool: pg.Pool;
  /** Runs `work` in one transaction, so a failed request leaves nothing half-written. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Connects as `supabase_auth_admin`, the role GoTrue uses, so triggers and ownership behave as on Supabase. */
export function openAuthDb(url: string): AuthDb {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client losing its connection (the server stopping first) must not crash the stack.
  pool.on("error", () => undefined);
  return {
    pool,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await work(client);
        await client.query("commit");
        return result;
      } catch (error) {
        if (error instanceof CommitThenThrow) {
          await client.query("commit");
          throw error.error;
        }
        await client.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
