import { withClient } from "./connection.ts";
import { applyMigrations } from "./migrations.ts";
import { applyPlatform, stackSchema } from "./platform.ts";
import { applySeed } from "./seed.ts";

export interface PreparedDatabase {
  /** The database had never been bootstrapped. */
  isNew: boolean;
  platform: string[];
  migrations: string[];
  seed: string[];
}

/**
 * Brings a database up to date: platform bootstrap, then new migrations, then the seed if it is new.
 * `exposedSchemas` is config.toml's `[api] schemas`, recorded where hosted Supabase keeps it
 * (`pgrst.db_schemas`), which is how `supabase db advisors` knows which tables the API exposes.
 */
export async function prepareDatabase(
  url: string,
  dirs: { migrations: string; seed: string },
  exposedSchemas: string[],
): Promise<PreparedDatabase> {
  const platform = await withClient(url, async (client) => {
    await client.query("set client_min_messages = warning");
    const applied = await applyPlatform(client);
    const database = client.escapeIdentifier(
      (await client.query("select current_database() as name")).rows[0].name,
    );
    await client.query(
      `alter database ${database} set pgrst.db_schemas = ${client.escapeLiteral(exposedSchemas.join(", "))}`,
    );
    return applied;
  });
  // A session of their own: the bootstrap sets the roles' search_path (`postgres`: "$user", public,
  // extensions, as on hosted Supabase) with `alter role`, which only sessions started after it see,
  // so migrations and seed in the bootstrap's session would miss `extensions` on a new database.
  return withClient(url, async (client) => {
    await client.query("set client_min_messages = warning");
    const migrations = await applyMigrations(client, dirs.migrations);
    await client.query(
      `create table if not exists ${stackSchema}.seeded (once boolean primary key default true check (once), seeded_at timestamptz not null default now())`,
    );
    // A new database, or one whose seed failed before: the marker is written only after the seed.
    const { rowCount } = await client.query(`select 1 from ${stackSchema}.seeded`);
    let seed: string[] = [];
    if (rowCount === 0) {
      seed = await applySeed(client, dirs.seed);
      await client.query(`insert into ${stackSchema}.seeded default values`);
    }
    return { isNew: platform.wasNew, platform: platform.applied, migrations, seed };
  });
}

/**
 * Drops everything the bootstrap, migrations and seed made, so they can run again from nothing.
 * The platform's roles are cluster-wide and kept; the bootstrap is idempotent about them.
 */
export async function resetDatabase(url: string): Promise<void> {
  const database = new URL(url).pathname.slice(1) || "postgres";
  const maintenance = new URL(url);
  maintenance.pathname = database === "template1" ? "/postgres" : "/template1";
  await withClient(maintenance.toString(), async (client) => {
    const quoted = client.escapeIdentifier(database);
    // `with (force)` ends sessions but refuses while a logical replication slot (realtime's
    // change capture) is active on the database, so end the sessions that hold slots first.
    for (let attempt = 0; ; attempt++) {
      await client.query(
        "select pg_terminate_backend(active_pid) from pg_replication_slots where database = $1 and active_pid is not null",
        [database],
      );
      try {
        await client.query(`drop database if exists ${quoted} with (force)`);
        break;
      } catch (error) {
        const slotInUse = (error as { code?: string }).code === "55006";
        if (!slotInUse || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await client.query(`create database ${quoted}`);
  });
}
