/**
 * "View as": who a console query runs as. `postgres` runs as the dashboard's superuser; `anon`,
 * `authenticated` and `service_role` as those roles with only a role claim; `user:<id>` as that
 * user with the claims Supabase Auth puts in their access token. A caller other than postgres is
 * switched to inside one transaction with the kernel's `actAs`, the settings REST gives a request
 * (role, request.jwt.claims, request.method, request.path, request.headers, request.cookies), so
 * policies, `auth.uid()` and `auth.jwt()` see what they see under REST.
 */
import type pg from "pg";
import { actAs, callerSettings, uuidPattern, type Caller } from "../database/session.ts";
import { StudioError } from "./section.ts";

export const plainRoles = ["anon", "authenticated", "service_role"] as const;

/** Parses an `as` value; undefined means postgres. */
export async function callerFor(db: pg.Pool, as: unknown): Promise<Caller | undefined> {
  if (as === undefined || as === null || as === "" || as === "postgres") return undefined;
  if (typeof as !== "string") throw new StudioError(400, "`as` must be a role or user:<id>");
  if ((plainRoles as readonly string[]).includes(as)) return { role: as, claims: { role: as } };
  const id = as.startsWith("user:") ? as.slice(5) : "";
  if (!uuidPattern.test(id))
    throw new StudioError(
      400,
      `cannot act as "${as}": choose postgres, anon, authenticated, service_role or user:<id>`,
    );
  const { rows } = await db.query(
    `select id, aud, role, email, phone, raw_app_meta_data, raw_user_meta_data, is_anonymous
       from auth.users where id = $1`,
    [id],
  );
  const user = rows[0];
  if (!user) throw new StudioError(404, `no user ${id}`);
  const role = user.role || "authenticated";
  return {
    role,
    claims: {
      sub: user.id,
      aud: user.aud || "authenticated",
      role,
      email: user.email ?? "",
      phone: user.phone ?? "",
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      is_anonymous: user.is_anonymous ?? false,
    },
  };
}

/** Switches the current transaction to `caller`, as REST switches a request's. */
export async function actAsCaller(
  client: pg.ClientBase,
  caller: Caller | undefined,
  request: { method: string; path: string } = { method: "GET", path: "/" },
): Promise<void> {
  if (!caller) return;
  await actAs(
    client,
    callerSettings(caller, {
      "request.method": request.method,
      "request.path": request.path,
      "request.headers": "{}",
      "request.cookies": "{}",
    }),
  );
}

/**
 * Runs `work` in one transaction as `caller` on a connection of its own, cancelling the query
 * (pg_cancel_backend) if `signal` aborts: the browser went away or the user pressed Cancel.
 */
export async function runAs<T>(
  db: pg.Pool,
  caller: Caller | undefined,
  work: (client: pg.PoolClient) => Promise<T>,
  options: {
    end?: "commit" | "rollback";
    signal?: AbortSignal;
    request?: { method: string; path: string };
  } = {},
): Promise<T> {
  const client = await db.connect();
  let cancel: (() => void) | undefined;
  try {
    if (options.signal) {
      const pid = (await client.query("select pg_backend_pid() as pid")).rows[0].pid as number;
      cancel = () => void db.query("select pg_cancel_backend($1)", [pid]).catch(() => undefined);
      options.signal.addEventListener("abort", cancel, { once: true });
    }
    await client.query("begin");
    try {
      await actAsCaller(client, caller, options.request);
      const result = await work(client);
      await client.query(options.end === "rollback" ? "rollback" : "commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  } finally {
    if (cancel) options.signal?.removeEventListener("abort", cancel);
    client.release();
  }
}
