import type pg from "pg";
import type { Claims } from "./tokens.ts";

/** Who a channel acts as in the database: the JWT's role and claims, as PostgREST would set them. */
export interface Identity {
  role: string;
  claims: Claims;
}

/**
 * The settings Realtime sets before it checks policies (`realtime.topic` for RLS on
 * realtime.messages, the JWT claims for `auth.uid()`), as a select list over four SQL text
 * expressions, so a statement and a PL/pgSQL loop over many identities set exactly the same.
 */
export function identitySettings(role: string, claims: string, sub: string, topic: string): string {
  return `set_config('role', ${role}, true),
          set_config('request.jwt.claims', ${claims}, true),
          set_config('request.jwt.claim.sub', ${sub}, true),
          set_config('request.jwt.claim.role', ${role}, true),
          set_config('realtime.topic', ${topic}, true),
          set_config('request.headers', '{}', true)`;
}

/** The `sub` claim as `request.jwt.claim.sub` carries it: empty when the token has none. */
export function subjectOf(identity: Identity): string {
  return typeof identity.claims.sub === "string" ? identity.claims.sub : "";
}

/** Switches the current transaction to the identity. */
export async function actAs(client: pg.PoolClient, identity: Identity, topic: string | null = null): Promise<void> {
  await client.query(`select ${identitySettings("$1", "$2", "$3", "$4")}`, [identity.role, JSON.stringify(identity.claims), subjectOf(identity), topic ?? ""]);
}

/** Runs `work` in a transaction that is always rolled back: checks must leave nothing behind. */
export async function inRolledBackTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    return await work(client);
  } finally {
    await client.query("rollback").catch(() => undefined);
    client.release();
  }
}
