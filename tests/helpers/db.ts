import { randomUUID } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@supabase/supabase-js";
import pg from "pg";
import { inject } from "vitest";
import WebSocket from "ws";
import { prepareDatabase } from "../../supabase/stack/database/prepare.ts";

export const stack = () => inject("stack");

/** The stack's server as another login role (password `postgres`, as Supabase's local roles). */
export function urlAs(role: string): string {
  const url = new URL(stack().dbUrl);
  url.username = role;
  url.password = "postgres";
  return url.toString();
}

/** Runs SQL as the superuser `postgres`, as a migration or the Supabase dashboard would. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack().dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export type Claims = Record<string, unknown> & { role: string };

/**
 * Runs `work` the way PostgREST runs a request: logged in as `authenticator`, inside one transaction
 * that switches to the JWT's role and sets `request.jwt.claims`. Rolled back unless `commit` is set.
 */
export async function asRole<T>(claims: Claims, work: (client: pg.Client) => Promise<T>, options: { commit?: boolean } = {}): Promise<T> {
  const client = new pg.Client({ connectionString: urlAs("authenticator") });
  await client.connect();
  try {
    await client.query("begin");
    await client.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
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
    await client.end();
  }
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
  const admin = createClient(stack().apiUrl, stack().serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
  });
  const { data, error } = await admin.auth.admin.createUser({ email, password: testPassword, email_confirm: true, user_metadata: metadata });
  if (error) throw error;
  const { id, app_metadata, user_metadata } = data.user;
  return { id, email, password: testPassword, claims: { sub: id, role: "authenticated", aud: "authenticated", email, app_metadata, user_metadata } };
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
  await prepareDatabase(url.toString(), { migrations: migrations ?? none, seed: none }, ["public", "graphql_public"]);
  return url.toString();
}
