import { randomUUID } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createServerClient } from "@supabase/ssr";
import type { SupabaseClient } from "@supabase/supabase-js";
import { expect } from "vitest";
import { parse as parseToml, stringify as stringifyToml } from "smol-toml";
import WebSocket from "ws";
import { createUser, type Db, stack, type TestUser } from "./db.ts";
import {
  newDataDir,
  spawnStack,
  type SpawnedStack,
  type StackInfo,
} from "../../supabase/stack/spawn-stack.ts";
import { signJwt, supabaseClient } from "./supabase.ts";

/** The shared stack, or one a test spawned with its own config. */
export type AuthTarget = Pick<StackInfo, "apiUrl" | "anonKey" | "serviceRoleKey" | "inboxPort">;

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.test`;

/** An app's client: anon key, session kept in memory. */
export const anonClient = (target: AuthTarget = stack()) =>
  supabaseClient(target.anonKey, { apiUrl: target.apiUrl });

/** A server's client with the service role key, for `auth.admin`. */
export const adminClient = (target: AuthTarget = stack()) =>
  supabaseClient(target.serviceRoleKey, { apiUrl: target.apiUrl });

/** An hour's access token for an existing account (a seeded one, say), signed with the stack's secret. */
export async function accessTokenForEmail(
  database: Db,
  email: string,
  target: Pick<StackInfo, "jwtSecret"> = stack(),
): Promise<string> {
  const [user] = await database.sql(`select id from auth.users where email = $1`, [email]);
  if (!user) throw new Error(`no account ${email}`);
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { sub: user.id, email, role: "authenticated", aud: "authenticated", iat: now, exp: now + 3600 },
    target.jwtSecret,
  );
}

/** A client signed in as `user` through `signInWithPassword`, with a real session. */
export async function signedInClient(
  user: Pick<TestUser, "email" | "password">,
  target: AuthTarget = stack(),
): Promise<SupabaseClient> {
  const client = anonClient(target);
  const { error } = await client.auth.signInWithPassword({
    email: user.email,
    password: user.password,
  });
  if (error) throw error;
  return client;
}

export interface SignedInPerson {
  user: TestUser;
  client: SupabaseClient;
}

/** A user made through the admin API and signed in, as an app's user would be. */
export async function signedInPerson(name: string): Promise<SignedInPerson> {
  const user = await createUser({ full_name: name });
  return { user, client: await signedInClient(user) };
}

/** Unwraps a supabase-js result, failing with the server's message. */
export function ok<T>(result: { data: T; error: unknown }): NonNullable<T> {
  if (result.error) throw new Error(`unexpected error: ${JSON.stringify(result.error)}`);
  return result.data as NonNullable<T>;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * A request to /auth/v1 as any HTTP client would send it, with the anon key and no API version
 * header unless given, for exact statuses and bodies.
 */
export async function authFetch(
  path: string,
  init: RequestInit & { json?: unknown } = {},
  target: AuthTarget = stack(),
): Promise<RawResponse> {
  const headers = new Headers(init.headers);
  if (!headers.has("apikey")) headers.set("apikey", target.anonKey);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  const response = await fetch(`${target.apiUrl}/auth/v1${path}`, {
    ...init,
    headers,
    redirect: "manual",
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, headers: response.headers, body };
}

export interface Email {
  id: string;
  subject: string;
  text: string;
  html: string;
  /** The first link in the email (the /verify action link for auth emails). */
  link: string;
  /** The one-time code printed in the email. */
  code: string;
}

/** Every email the stack sent to `address`, newest first, read through the inbox's Mailpit API. */
export async function emailsTo(address: string, target: AuthTarget = stack()): Promise<Email[]> {
  const inbox = `http://127.0.0.1:${target.inboxPort}/api/v1`;
  const found = await (
    await fetch(`${inbox}/search?query=${encodeURIComponent(`to:${address}`)}`)
  ).json();
  return Promise.all(
    found.messages.map(async (summary: { ID: string }) => {
      const message = await (await fetch(`${inbox}/message/${summary.ID}`)).json();
      const link = /href="([^"]+)"/.exec(message.HTML)?.[1]?.replaceAll("&amp;", "&") ?? "";
      const code =
        /enter the code: (\d+)/.exec(message.Text)?.[1] ??
        /^(\d{6,10})$/m.exec(message.Text)?.[1] ??
        "";
      return {
        id: message.ID,
        subject: message.Subject,
        text: message.Text,
        html: message.HTML,
        link,
        code,
      };
    }),
  );
}

/** The newest email to `address`; fails the test when there is none. */
export async function latestEmailTo(address: string, target: AuthTarget = stack()): Promise<Email> {
  const [latest] = await emailsTo(address, target);
  expect(latest, `an email to ${address}`).toBeDefined();
  return latest!;
}

/** Follows an email's /verify link like a browser, without following the redirect it answers with. */
export async function followLink(link: string): Promise<{ status: number; location: URL }> {
  const response = await fetch(link, { redirect: "manual" });
  return {
    status: response.status,
    location: new URL(response.headers.get("location") ?? "about:blank"),
  };
}

/** The URL fragment of a redirect, as auth-js reads it. */
export const fragmentOf = (url: URL) => new URLSearchParams(url.hash.slice(1));

/**
 * `@supabase/ssr`'s server client over an in-memory cookie jar, as a server-rendered app uses it:
 * PKCE flow, the code verifier and session kept in cookies between requests.
 */
export function ssrClient(target: AuthTarget = stack()) {
  const cookies = new Map<string, string>();
  const client = createServerClient(target.apiUrl, target.anonKey, {
    cookies: {
      getAll: () => [...cookies].map(([name, value]) => ({ name, value })),
      setAll: (changed) => {
        for (const { name, value } of changed) {
          if (value) cookies.set(name, value);
          else cookies.delete(name);
        }
      },
    },
    realtime: { transport: WebSocket as never },
  });
  return { client, cookies };
}

/**
 * An extra stack for one test file, run with its own config.toml (and any further command-line
 * arguments and environment variables); `stop` also removes its files.
 */
export async function spawnStackWithConfig(
  toml: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<SpawnedStack> {
  const dataDir = await newDataDir();
  const configFile = `${dataDir}-config.toml`;
  await writeFile(configFile, toml);
  const spawned = await spawnStack({ dataDir, args: ["--config", configFile, ...args], env });
  return {
    ...spawned,
    async stop() {
      const code = await spawned.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(configFile, { force: true });
      return code;
    },
  };
}

const supabaseDir = fileURLToPath(new URL("../../supabase/", import.meta.url));

/**
 * The repository's supabase/config.toml after `edit`, as TOML text to write anywhere: its
 * functions' entry points and import maps made absolute, since they are read relative to the
 * config file's folder.
 */
export async function repositoryConfig(
  edit: (config: Record<string, any>) => void,
): Promise<string> {
  const config: Record<string, any> = parseToml(
    await readFile(path.join(supabaseDir, "config.toml"), "utf8"),
  );
  const absolute = (file: string) => path.resolve(supabaseDir, file);
  for (const fn of Object.values<Record<string, string>>(config.functions ?? {})) {
    if (fn.entrypoint) fn.entrypoint = absolute(fn.entrypoint);
    if (fn.import_map) fn.import_map = absolute(fn.import_map);
  }
  edit(config);
  return stringifyToml(config);
}
