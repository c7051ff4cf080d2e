import type pg from "pg";
import type { Claims } from "./tokens.ts";

/** Who a channel acts as in the database: the JWT's role and claims, as PostgREST would set them. */
export interface Identity {
  role: string;
  claims: Claims;
}

/**
 * Switches the current transaction to the identity, with the settings Realtime sets before it checks
 * policies (`realtime.topic` for RLS on realtime.messages, the JWT claims for `auth.uid()`).
 */
export async function actAs(client: pg.PoolClient, identity: Identity, topic: string | null = null): Promise<void> {
  await client.query(
    `select set_config('role', $1, true),
            set_config('request.jwt.claims', $2, true),
            set_config('request.jwt.claim.sub', $3, true),
            set_config('request.jwt.claim.role', $1, true),
            set_config('realtime.topic', $4, true),
            set_config('request.headers', '{}', true)`,
    [identity.role, JSON.stringify(identity.claims), typeof identity.claims.sub === "string" ? identity.claims.sub : "", topic ?? ""],
  );
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
