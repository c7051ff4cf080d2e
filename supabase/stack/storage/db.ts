import pg from "pg";
import { urlAs } from "../database/connection.ts";

/** Who a request acts as, from its verified JWT (or anon when a route allows none). */
export interface Caller {
  role: string;
  claims: Record<string, unknown>;
  /** The JWT's `sub`: the owner of what the caller uploads. */
  owner: string | undefined;
  /** False when a route that allows it was called without a valid JWT. */
  isAuthenticated: boolean;
}

/** What storage-api exposes to policies besides the JWT: the request and the operation's name. */
export interface RequestScope {
  caller: Caller;
  headers: Record<string, string | string[] | undefined>;
  method: string;
  path: string;
  /** storage-api's operation name, readable in policies through storage.operation(). */
  operation: string;
}

/**
 * One transaction that can switch between the caller's role (RLS applies) and the storage
 * admin's own (it owns the tables, so RLS does not), as storage-api does with `asSuperUser()`.
 */
export class StorageTransaction {
  private current: "caller" | "admin" | undefined;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly scope: RequestScope,
  ) {}

  async caller<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    if (this.current !== "caller") {
      await this.client.query("select set_config('role', $1, true)", [this.scope.caller.role]);
      this.current = "caller";
    }
    return this.client.query<R>(text, values);
  }

  async admin<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    if (this.current !== "admin") {
      await this.client.query("select set_config('role', 'none', true)");
      this.current = "admin";
    }
    return this.client.query<R>(text, values);
  }

  /** Runs `work` and undoes it: storage-api's testPermission, asking RLS whether a write would pass. */
  async dryRun(work: () => Promise<unknown>): Promise<void> {
    await this.client.query("savepoint dry_run");
    try {
      await work();
    } finally {
      await this.client.query("rollback to savepoint dry_run");
    }
  }

  /** Sets the request's settings once; role switches happen per statement kind. */
  async begin(): Promise<void> {
    const { caller, headers, method, path, operation } = this.scope;
    await this.client.query("begin");
    await this.client.query(
      `select set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.role', $2, true),
              set_config('request.jwt.claim.sub', $3, true), set_config('request.headers', $4, true),
              set_config('request.method', $5, true), set_config('request.path', $6, true),
              set_config('storage.operation', $7, true), set_config('storage.allow_delete_query', 'true', true)`,
      [JSON.stringify(caller.claims), caller.role, caller.owner ?? "", JSON.stringify(headers), method, path, operation],
    );
  }
}

export class StorageDb {
  private readonly pool: pg.Pool;

  constructor(dbUrl: string) {
    // Storage API logs in as supabase_storage_admin, the owner of the storage schema.
    this.pool = new pg.Pool({ connectionString: urlAs(dbUrl, "supabase_storage_admin"), max: 10 });
    this.pool.on("error", (error) => console.error(`storage: idle database connection failed: ${error.message}`));
  }

  async transaction<T>(scope: RequestScope, work: (tx: StorageTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new StorageTransaction(client, scope);
    try {
      await tx.begin();
      const result = await work(tx);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
