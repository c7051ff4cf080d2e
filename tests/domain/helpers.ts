// Helpers for the domain suites (people, organizations, events, learning, certificates, CPD).
// They talk to PostgreSQL the way PostgREST does (authenticator → set local role + claims), on
// the stack whose database URL they are given, through connection pools so a suite of hundreds
// of cases stays fast.

import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import { spawnStack } from "../helpers/spawn-stack.ts";

/**
 * Where the domain's migrations and seed live. While they were developed in tmp/, each suite
 * started its own stack from there; once in sql/ and seed/, the suites use the run's global stack.
 */
const OWN_STACK_ARGS: string[] | null = null;

export interface DomainStack {
  dbUrl: string;
  db: Db;
  stop(): Promise<void>;
}

/** The stack a domain suite runs against; call in beforeAll and stop() in afterAll. */
export async function domainStack(): Promise<DomainStack> {
  if (OWN_STACK_ARGS) {
    const stack = await spawnStack({ args: OWN_STACK_ARGS });
    const db = new Db(stack.dbUrl);
    return {
      dbUrl: stack.dbUrl,
      db,
      async stop() {
        await db.end();
        await stack.stop();
        await rm(stack.dataDir, { recursive: true, force: true });
      },
    };
  }
  const { dbUrl } = inject("stack");
  const db = new Db(dbUrl);
  return { dbUrl, db, stop: () => db.end() };
}

export type Claims = Record<string, unknown> & { role: string };

export interface User {
  id: string;
  email: string;
  claims: Claims;
}

export const anon: Claims = { role: "anon" };
export const serviceRole: Claims = { role: "service_role" };

export class Db {
  readonly superuser: pg.Pool;
  readonly authenticator: pg.Pool;

  constructor(readonly dbUrl: string, poolSize = 8) {
    this.superuser = new pg.Pool({ connectionString: dbUrl, max: poolSize });
    const url = new URL(dbUrl);
    url.username = "authenticator";
    url.password = "postgres";
    this.authenticator = new pg.Pool({ connectionString: url.toString(), max: poolSize });
    // Idle connections are terminated when a stack stops; that is not a test failure.
    this.superuser.on("error", () => undefined);
    this.authenticator.on("error", () => undefined);
  }

  async end(): Promise<void> {
    await Promise.all([this.superuser.end(), this.authenticator.end()]);
  }

  /** SQL as the superuser `postgres`, like a migration or the dashboard. */
  async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.superuser.query<T>(text, params)).rows;
  }

  /**
   * Runs `work` as PostgREST runs a request: as authenticator, in one transaction that switches
   * to the JWT's role and sets request.jwt.claims. Rolled back unless `commit` is set.
   */
  async asRole<T>(claims: Claims, work: (client: pg.PoolClient) => Promise<T>, options: { commit?: boolean } = {}): Promise<T> {
    const client = await this.authenticator.connect();
    try {
      await client.query("begin");
      await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [
        claims.role,
        JSON.stringify(claims),
      ]);
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
  async query<T extends pg.QueryResultRow = pg.QueryResultRow>(claims: Claims, text: string, params: unknown[] = []): Promise<T[]> {
    return this.asRole(claims, async (client) => (await client.query<T>(text, params)).rows, { commit: true });
  }

  /** Calls an RPC as `claims` (committed) and returns its rows. */
  async rpc<T extends pg.QueryResultRow = pg.QueryResultRow>(claims: Claims, fn: string, args: Record<string, unknown> = {}): Promise<T[]> {
    const names = Object.keys(args);
    const list = names.map((name, i) => `${name} => $${i + 1}`).join(", ");
    return this.query<T>(claims, `select * from public.${fn}(${list})`, names.map((name) => args[name]));
  }

  /** A confirmed auth user, created as Supabase Auth would (the profile comes from the trigger). */
  async createUser(metadata: Record<string, unknown> = {}, email = `user-${randomUUID().slice(0, 8)}@example.test`): Promise<User> {
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

export function claimsFor(id: string, email: string): Claims {
  return { sub: id, role: "authenticated", aud: "authenticated", email, app_metadata: { provider: "email" }, user_metadata: {} };
}

/** The PostgreSQL error a promise rejects with (fails the test when it resolves). */
export async function pgError(promise: Promise<unknown>): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; hint?: string };
  }
  throw new Error("expected a database error, but the statement succeeded");
}

export const slug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
