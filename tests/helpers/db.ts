import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { prepareDatabase } from "../../supabase/stack/database/prepare.ts";
import { supabaseClient } from "./supabase.ts";

export const stack = () => inject("stack");

/** The stack's server as another login role (password `postgres`, as Supabase's local roles). */
export function urlAs(role: string): string {
  const url = new URL(stack().dbUrl);
  url.username = role;
  url.password = "postgres";
  return url.toString();
}

export type Claims = Record<string, unknown> & { role: string };

export const anon: Claims = { role: "anon" };
export const serviceRole: Claims = { role: "service_role" };

/** The claims Supabase Auth puts in a signed-in user's access token. */
export function claimsFor(id: string, email: string): Claims {
  return {
    sub: id,
    role: "authenticated",
    aud: "authenticated",
    email,
    app_metadata: { provider: "email" },
    user_metadata: {},
  };
}

/**
 * A stack's database through two pools: the superuser, and `authenticator` as PostgREST logs in,
 * so suites of hundreds of cases stay fast.
 */
export class Db {
  readonly superuser: pg.Pool;
  readonly authenticator: pg.Pool;
  private readonly authenticatorUrl: string;
  private burst: pg.Pool | undefined;
  static readonly burstSize = 20;

  constructor(
    readonly dbUrl: string,
    poolSize = 8,
  ) {
    const authenticator = new URL(dbUrl);
    authenticator.username = "authenticator";
    authenticator.password = "postgres";
    this.authenticatorUrl = authenticator.toString();
    this.superuser = new pg.Pool({ connectionString: dbUrl, max: poolSize, allowExitOnIdle: true });
    this.authenticator = new pg.Pool({
      connectionString: this.authenticatorUrl,
      max: poolSize,
      allowExitOnIdle: true,
    });
    // Idle connections are terminated when a stack stops; that is not a test failure.
    this.superuser.on("error", () => undefined);
    this.authenticator.on("error", () => undefined);
  }

  async end(): Promise<void> {
    await Promise.all([this.superuser.end(), this.authenticator.end(), this.burst?.end()]);
  }

  /**
   * The same statement as `claims` on `count` connections at once (up to Db.burstSize), each in
   * a transaction that is open and switched to the role (as PostgREST runs a request) before any
   * of them starts, so that they reach the database together; each is then committed. Returns
   * each one's error, or null. For races a burst of requests can hit.
   */
  async atOnce(
    claims: Claims,
    count: number,
    text: string,
    params: unknown[] = [],
  ): Promise<(pg.DatabaseError | null)[]> {
    if (count > Db.burstSize) throw new Error(`atOnce runs up to ${Db.burstSize} at once`);
    // A pool of its own, kept between bursts: the shared pools are smaller, and connecting anew
    // for each burst would take most of a test's time.
    this.burst ??= new pg.Pool({
      connectionString: this.authenticatorUrl,
      max: Db.burstSize,
      allowExitOnIdle: true,
    }).on("error", () => undefined);
    const pool = this.burst;
    const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
    try {
      await Promise.all(
        clients.map(async (client) => {
          await client.query("begin");
          await client.query(
            "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
            [claims.role, JSON.stringify(claims)],
          );
        }),
      );
      return await Promise.all(
        clients.map((client) =>
          client.query(text, params).then(
            async () => {
              await client.query("commit");
              return null;
            },
            async (error: pg.DatabaseError) => {
              await client.query("rollback");
              return error;
            },
          ),
        ),
      );
    } finally {
      for (const client of clients) client.release();
    }
  }

  /** SQL as the superuser `postgres`, like a migration or the dashboard. */
  async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return (await this.superuser.query<T>(text, params)).rows;
  }

  /**
   * Runs `work` as PostgREST runs a request: as authenticator, in one transaction that switches
   * to the JWT's role and sets request.jwt.claims. Rolled back unless `commit` is set.
   */
  async asRole<T>(
    claims: Claims,
    work: (client: pg.PoolClient) => Promise<T>,
    options: { commit?: boolean } = {},
  ): Promise<T> {
    const client = await this.authenticator.connect();
    try {
      await client.query("begin");
      await client.query(
        "select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)",
        [claims.role, JSON.stringify(claims)],
      );
      const result = await work(client);
      await client.query(options.commit ? "commit" : "rollback");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** One statement as `claims`, committed. */
  async query<T extends pg.QueryResultRow = pg.QueryResultRow>(
    claims: Claims,
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    return this.asRole(claims, async (client) => (await client.query<T>(text, params)).rows, {
      commit: true,
    });
  }

  /** Calls an RPC as `claims` (committed) and returns its rows. */
  async rpc<T extends pg.QueryResultRow = pg.QueryResultRow>(
    claims: Claims,
    fn: string,
    args: Record<string, unknown> = {},
  ): Promise<T[]> {
    const names = Object.keys(args);
    const list = names.map((name, i) => `${name} => $${i + 1}`).join(", ");
    return this.query<T>(
      claims,
      `select * from public.${fn}(${list})`,
      names.map((name) => args[name]),
    );
  }

  /**
   * A confirmed user inserted as Supabase Auth inserts one (its triggers run as on Supabase).
   * Only for suites that need hundreds of users, such as the RLS matrix: everywhere else use
   * createUser(), which goes through the admin API as DESIGN asks.
   */
  async createUser(
    metadata: Record<string, unknown> = {},
    email = `user-${randomUUID().slice(0, 8)}@example.test`,
  ): Promise<{ id: string; email: string; claims: Claims }> {
    const id = randomUUID();
    await this.sql(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(),
               '{"provider":"email","providers":["email"]}', $3, now(), now())`,
      [id, email, JSON.stringify(metadata)],
    );
    return { id, email, claims: claimsFor(id, email) };
  }
}

let globalDb: Db | undefined;
/** The run's global stack's database, shared by a test file's helpers. */
export const db = () => (globalDb ??= new Db(stack().dbUrl));

/** Runs SQL as the superuser `postgres` on the global stack. */
export function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return db().sql<T>(text, params);
}

/** Db.asRole on the global stack. */
export function asRole<T>(
  claims: Claims,
  work: (client: pg.PoolClient) => Promise<T>,
  options: { commit?: boolean } = {},
): Promise<T> {
  return db().asRole(claims, work, options);
}

export interface TestUser {
  id: string;
  email: string;
  /** Signs in with `signInWithPassword` (see helpers/auth.ts `signedInClient`). */
  password: string;
  claims: Claims;
}

/** The password every test user gets; tests that need another make their own users. */
export const testPassword = "test-password-1";

/**
 * A confirmed user made through the admin API, as DESIGN asks of every test, with the claims
 * Supabase Auth puts in its access token.
 */
export async function createUser(metadata: Record<string, unknown> = {}): Promise<TestUser> {
  const email = `user-${randomUUID().slice(0, 8)}@example.test`;
  const admin = supabaseClient(stack().serviceRoleKey);
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password: testPassword,
    email_confirm: true,
    user_metadata: metadata,
  });
  if (error) throw error;
  const { id, app_metadata, user_metadata } = data.user;
  return {
    id,
    email,
    password: testPassword,
    claims: {
      sub: id,
      role: "authenticated",
      aud: "authenticated",
      email,
      app_metadata,
      user_metadata,
    },
  };
}

/**
 * A new database on the stack's server, bootstrapped as the stack bootstraps its own and brought
 * to `migrations` (default: none), for tests that must see nothing other tests made.
 */
export async function freshDatabase(migrations?: string): Promise<string> {
  const name = `fresh_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  await sql(`create database ${name}`);
  const url = new URL(stack().dbUrl);
  url.pathname = `/${name}`;
  const none = await mkdtemp(path.join(tmpdir(), "pitlane-none-"));
  await prepareDatabase(url.toString(), { migrations: migrations ?? none, seed: none }, [
    "public",
    "graphql_public",
  ]);
  return url.toString();
}

/**
 * Suites that expire holds and invoices themselves pause the every-minute `expire-due-invoices`
 * job, which would otherwise race them to the rows. tests/cron checks that the migrations schedule
 * it and that scheduled jobs run.
 */
export async function pauseExpiryJob(database: Db): Promise<void> {
  await database.sql(
    "select cron.alter_job(jobid, active := false) from cron.job where jobname = 'expire-due-invoices'",
  );
}
