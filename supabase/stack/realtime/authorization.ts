import { randomUUID } from "node:crypto";
import type pg from "pg";
import { describePgError } from "../database/connection.ts";
import { actAs, transaction } from "../database/session.ts";
import { realtimeSettings, type Identity } from "./identity.ts";

export type Extension = "broadcast" | "presence";

/** What RLS on realtime.messages lets one identity do on one private topic; unset until checked. */
export interface Policies {
  broadcastRead?: boolean;
  presenceRead?: boolean;
  broadcastWrite?: boolean;
  presenceWrite?: boolean;
}

export class PolicyError extends Error {}

/**
 * Realtime Authorization: may the identity read the topic? Realtime inserts a probe row per
 * extension (as the table's owner, so RLS does not stop it), switches to the user and selects the
 * probes back; the SELECT policies decide which come back. The transaction is rolled back, so the
 * probes are never committed and never reach the change stream.
 */
export async function readPolicies(
  pool: pg.Pool,
  identity: Identity,
  topic: string,
  extensions: Extension[],
): Promise<Policies> {
  const probes = extensions.map((extension) => ({ extension, id: randomUUID() }));
  try {
    return await transaction(
      pool,
      async (client) => {
        for (const probe of probes) {
          await client.query(
            "insert into realtime.messages (id, topic, extension) values ($1, $2, $3)",
            [probe.id, topic, probe.extension],
          );
        }
        await actAs(client, realtimeSettings(identity, topic));
        const { rows } = await client.query<{ id: string }>(
          "select id from realtime.messages where id = any($1::uuid[])",
          [probes.map((p) => p.id)],
        );
        const visible = new Set(rows.map((row) => row.id));
        const policies: Policies = {};
        for (const probe of probes) policies[`${probe.extension}Read`] = visible.has(probe.id);
        return policies;
      },
      { end: "rollback" },
    );
  } catch (error) {
    throw new PolicyError(describePgError(error));
  }
}

/** May the identity send on the topic? Its INSERT policies decide, on a row that is rolled back. */
export async function writePolicy(
  pool: pg.Pool,
  identity: Identity,
  topic: string,
  extension: Extension,
): Promise<boolean> {
  try {
    return await transaction(
      pool,
      async (client) => {
        await actAs(client, realtimeSettings(identity, topic));
        try {
          await client.query("insert into realtime.messages (topic, extension) values ($1, $2)", [
            topic,
            extension,
          ]);
          return true;
        } catch (error) {
          if ((error as pg.DatabaseError).code === "42501") return false;
          throw error;
        }
      },
      { end: "rollback" },
    );
  } catch (error) {
    throw new PolicyError(describePgError(error));
  }
}
