/**
 * The REST suite's stack (its own migrations, seed and config) and the clients tests use: anon,
 * service_role, and signed-in users with tokens signed like Supabase Auth's.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import type { SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import pg from "pg";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { supabaseClient } from "../helpers/supabase.ts";

const fixtures = path.join(import.meta.dirname, "fixtures");

export const rest: { stack?: SpawnedStack } = {};

export async function startRestStack(): Promise<SpawnedStack> {
  rest.stack = await spawnStack({
    args: [
      "--migrations",
      path.join(fixtures, "migrations"),
      "--seed",
      path.join(fixtures, "seed"),
      "--config",
      path.join(fixtures, "config.toml"),
    ],
  });
  return rest.stack;
}

export function stack(): SpawnedStack {
  if (!rest.stack) throw new Error("the REST stack is not running");
  return rest.stack;
}

export const restUrl = () => `${stack().apiUrl}/rest/v1`;

export function anonClient(): SupabaseClient {
  return supabaseClient(stack().anonKey, { apiUrl: stack().apiUrl });
}

export function serviceClient(): SupabaseClient {
  return supabaseClient(stack().serviceRoleKey, { apiUrl: stack().apiUrl });
}

export async function signToken(
  claims: Record<string, unknown>,
  expiresIn: string | number = "1h",
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(stack().jwtSecret));
}

export interface User {
  id: string;
  token: string;
  client: SupabaseClient;
}

/** A signed-in user as Supabase Auth would issue it: a row in auth.users and a token with its claims. */
export async function signedInUser(): Promise<User> {
  const id = randomUUID();
  const email = `rest-${id.slice(0, 8)}@example.test`;
  await sql(
    `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, now(), '{"provider":"email","providers":["email"]}', '{}', now(), now())`,
    [id, email],
  );
  const token = await signToken({
    sub: id,
    role: "authenticated",
    aud: "authenticated",
    email,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    aal: "aal1",
    session_id: randomUUID(),
    is_anonymous: false,
  });
  const client = supabaseClient(stack().anonKey, { apiUrl: stack().apiUrl, accessToken: token });
  return { id, token, client };
}

export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: stack().dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A raw request to /rest/v1 with the anon key unless headers say otherwise. */
export async function http(
  pathAndQuery: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(`${restUrl()}${pathAndQuery}`, {
    ...init,
    headers: { apikey: stack().anonKey, ...init.headers },
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Sends NOTIFY pgrst and waits until REST answers as `ready` says. */
export async function reloadAndWait(payload: string, ready: () => Promise<boolean>): Promise<void> {
  await sql(`notify pgrst, '${payload}'`);
  for (let i = 0; i < 100; i++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`REST did not pick up "${payload}"`);
}

/**
 * Sets PostgREST's in-database configuration on the authenticator role, reloads it and waits until
 * REST answers as `applied` expects of it; afterwards resets it and waits until REST no longer does,
 * so the next test starts from the default configuration.
 */
export async function withConfig(
  settings: Record<string, string>,
  applied: () => Promise<boolean>,
  work: () => Promise<void>,
): Promise<void> {
  for (const [key, value] of Object.entries(settings))
    await sql(`alter role authenticator set pgrst.${key} = '${value}'`);
  await reloadAndWait("reload config", applied);
  try {
    await work();
  } finally {
    for (const key of Object.keys(settings))
      await sql(`alter role authenticator reset pgrst.${key}`);
    await reloadAndWait("reload config", async () => !(await applied()));
  }
}
