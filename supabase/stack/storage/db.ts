import type pg from "pg";
import { urlAs } from "../database/connection.ts";
import {
  actAs,
  callerSettings,
  legacyClaimSettings,
  openPool,
  transaction,
} from "../database/session.ts";
import type { Logger } from "../logger.ts";

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
    private readonly client: pg.ClientBase,
    private readonly scope: RequestScope,
  ) {}

  async caller<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    if (this.current !== "caller") {
      await this.client.query("select set_config('role', $1, true)", [this.scope.caller.role]);
      this.current = "caller";
    }
    return this.client.query<R>(text, values);
  }

  async admin<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
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

  /**
   * Acts as the caller with the request's settings, as storage-api does once a request; role
   * switches happen per statement kind after that.
   */
  async actAsCaller(): Promise<void> {
    const { caller, headers, method, path, operation } = this.scope;
    await actAs(
      this.client,
      callerSettings(caller, {
        ...legacyClaimSettings(caller),
        "request.headers": JSON.stringify(headers),
        "request.method": method,
        "request.path": path,
        "storage.operation": operation,
        "storage.allow_delete_query": "true",
      }),
    );
    this.current = "caller";
  }
}

export class StorageDb {
  private readonly pool: pg.Pool;

  constructor(dbUrl: string, log: Logger) {
    // Storage API logs in as supabase_storage_admin, the owner of the storage schema.
    this.pool = openPool("storage", log, {
      connectionString: urlAs(dbUrl, "supabase_storage_admin"),
      max: 10,
    });
  }

  /**
   * One statement as the storage admin (RLS does not apply) outside any transaction: a read that
   * needs neither the caller's settings nor a snapshot shared with other statements costs one
   * round trip instead of a transaction's five (begin, settings, role, statement, commit).
   */
  admin<R extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values);
  }

  transaction<T>(scope: RequestScope, work: (tx: StorageTransaction) => Promise<T>): Promise<T> {
    return transaction(this.pool, async (client) => {
      const tx = new StorageTransaction(client, scope);
      await tx.actAsCaller();
      return work(tx);
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
