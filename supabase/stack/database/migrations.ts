import path from "node:path";
import type pg from "pg";
import { loadMigrationFiles } from "postgres-migrations";
// Not re-exported by the package's index, but part of its published dist.
import { validateMigrationHashes } from "postgres-migrations/dist/validation.js";
import { describePgError } from "./connection.ts";
import { transaction } from "./session.ts";
import { stackSchema } from "./platform.ts";

type Migration = Awaited<ReturnType<typeof loadMigrationFiles>>[number];

export class MigrationFailure extends Error {}

/**
 * Applies `dir`'s `0001_<name>.sql`… with postgres-migrations' file rules (consecutive ids, sha1 of
 * name and content): only new files, each in its own transaction, a changed applied file refused.
 * Its bookkeeping table is kept in the stack's schema rather than `public`, which REST exposes, and
 * each migration is also recorded where the Supabase CLI looks, so `supabase db push` and
 * `migration list` see it as applied.
 */
export async function applyMigrations(client: pg.Client, dir: string): Promise<string[]> {
  let files: Migration[];
  try {
    files = (await loadMigrationFiles(dir)).filter((migration) => migration.id > 0);
  } catch (error) {
    throw new MigrationFailure(
      `cannot load migrations from ${dir}: ${(error as Error).message} (change it with --migrations)`,
    );
  }
  await client.query(`
    create table if not exists ${stackSchema}.migrations (
      id integer primary key,
      name varchar(100) unique not null,
      hash varchar(40) not null,
      executed_at timestamp default current_timestamp
    )`);
  await client.query(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key,
      statements text[],
      name text
    )`);
  await client.query("select pg_advisory_lock(hashtext('pitlane migrations'))");
  try {
    const { rows } = await client.query<{ id: number; name: string; hash: string }>(
      `select id, name, hash from ${stackSchema}.migrations order by id`,
    );
    const appliedById: Record<number, { id: number; name: string; hash: string }> = {};
    for (const row of rows) appliedById[row.id] = row;
    try {
      // It only compares hashes, which is all an applied row has.
      validateMigrationHashes(files, appliedById as Parameters<typeof validateMigrationHashes>[1]);
    } catch (error) {
      throw new MigrationFailure(
        `${(error as Error).message.replace(/\n/g, " ")} Applied migrations are append-only: put the change in a new migration in ${dir} (or run npm run db:reset to rebuild a local database).`,
      );
    }
    const applied: string[] = [];
    const last = rows.at(-1);
    let lastGood = last ? `${String(last.id).padStart(4, "0")}_${last.name}.sql` : undefined;
    for (const migration of files.filter((file) => !appliedById[file.id])) {
      const file = path.join(dir, migration.fileName);
      try {
        await transaction(client, async () => {
          await client.query(migration.sql);
          await client.query(
            `insert into ${stackSchema}.migrations (id, name, hash) values ($1, $2, $3)`,
            [migration.id, migration.name, migration.hash],
          );
          const version = migration.fileName.split("_")[0]!;
          await client.query(
            `insert into supabase_migrations.schema_migrations (version, name, statements)
             values ($1, $2, array[$3]) on conflict (version) do nothing`,
            [version, migration.fileName.replace(/^\d+_|\.sql$/g, ""), migration.sql],
          );
        });
      } catch (error) {
        const state = lastGood ? `the database stays at ${lastGood}` : "no migration is applied";
        throw new MigrationFailure(
          `migration ${file} failed at ${describePgError(error, migration.sql)} — nothing of it was applied, ${state}`,
        );
      }
      applied.push(migration.fileName);
      lastGood = migration.fileName;
    }
    return applied;
  } finally {
    await client.query("select pg_advisory_unlock(hashtext('pitlane migrations'))");
  }
}
