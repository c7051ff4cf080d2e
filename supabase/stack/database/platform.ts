import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { describePgError } from "./connection.ts";
import { transaction } from "./session.ts";

/**
 * What Supabase's PostgreSQL image provides (roles, auth, storage, realtime, extensions), as
 * numbered SQL files beside this module. Each is applied once and recorded, so a newer stack adds
 * its new files to an existing data folder. Hosted Supabase has all of it already: never in sql/.
 */
const platformDir = path.join(import.meta.dirname, "platform");

/** The stack's own bookkeeping lives here, out of every exposed schema. */
export const stackSchema = "pitlane_stack";

export interface PlatformResult {
  applied: string[];
  /** True when the database had never been bootstrapped: it is new, so it gets the seed. */
  wasNew: boolean;
}

export async function applyPlatform(client: pg.Client): Promise<PlatformResult> {
  await client.query(`create schema if not exists ${stackSchema}`);
  await client.query(`revoke all on schema ${stackSchema} from public`);
  await client.query(`
    create table if not exists ${stackSchema}.platform_versions (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
  const { rows } = await client.query<{ version: number }>(
    `select version from ${stackSchema}.platform_versions`,
  );
  const done = new Set(rows.map((row) => row.version));
  const files = (await readdir(platformDir)).filter((file) => /^\d+_.*\.sql$/.test(file)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const version = Number.parseInt(file, 10);
    if (done.has(version)) continue;
    const sql = await readFile(path.join(platformDir, file), "utf8");
    try {
      await transaction(client, async () => {
        await client.query(sql);
        await client.query(
          `insert into ${stackSchema}.platform_versions (version, name) values ($1, $2)`,
          [version, file],
        );
      });
    } catch (error) {
      throw new Error(`platform bootstrap ${file} failed: ${describePgError(error, sql)}`, {
        cause: error,
      });
    }
    applied.push(file);
  }
  return { applied, wasNew: done.size === 0 };
}
