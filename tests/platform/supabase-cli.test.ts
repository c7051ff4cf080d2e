import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { generateDatabaseTypes } from "../../clients/generate-types.ts";
import { freshDatabase, stack } from "../helpers/db.ts";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

const run = promisify(execFile);
const cli = path.join(projectRoot, "node_modules/.bin/supabase");

/** The Supabase CLI (a dev dependency, pinned: see package.json) run in the project, as a developer would run it. */
async function supabase(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(cli, args, {
      cwd: projectRoot,
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
      maxBuffer: 32 * 2 ** 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function query(url: string, text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The CLI's driver asks for TLS first and, unlike libpq's `prefer`, gives up when the server has
 * none; the local stack has none (as `supabase start`'s database), so local URLs say so.
 */
const withoutTls = (url: string) => `${url}?sslmode=disable`;

const migrationFiles = async () =>
  (await readdir(path.join(projectRoot, "sql"))).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();

describe("the Supabase CLI against the stack", () => {
  it("finds no security or performance issue with Pitlane's migrations (db advisors)", async () => {
    const url = await freshDatabase(path.join(projectRoot, "sql"));
    const result = await supabase(
      "db",
      "advisors",
      `--db-url=${withoutTls(url)}`,
      "--fail-on",
      "warn",
    );
    expect(result.stdout + result.stderr).toMatch(/No issues found/);
    expect(result.code).toBe(0);
  });

  it("is a check that can fail: a public table without RLS is reported", async () => {
    const url = await freshDatabase();
    await query(url, "create table public.wide_open (id int primary key)");
    const result = await supabase(
      "db",
      "advisors",
      `--db-url=${withoutTls(url)}`,
      "--fail-on",
      "warn",
    );
    expect(result.stdout + result.stderr).toMatch(/rls_disabled_in_public/);
    expect(result.code).not.toBe(0);
  });

  it("pushes sql/ onto a freshly bootstrapped database (db push)", async () => {
    const url = await freshDatabase();
    const result = await supabase("db", "push", `--db-url=${withoutTls(url)}`, "--yes");
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const pushed = await query(
      url,
      "select version from supabase_migrations.schema_migrations order by version",
    );
    expect(pushed.map((row) => row.version)).toEqual(
      (await migrationFiles()).map((f) => f.split("_")[0]),
    );
  });

  it("sees the stack's own migrations as applied", async () => {
    const result = await supabase(
      "db",
      "push",
      `--db-url=${withoutTls(stack().dbUrl)}`,
      "--dry-run",
      "--yes",
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/up to date/i);
  });

  it("generates the Database types committed in clients/ (npm run gen:types, the CLI's typegen without Docker)", async () => {
    const url = await freshDatabase(path.join(projectRoot, "sql"));
    const generated = await generateDatabaseTypes(url);
    expect(generated).toMatch(/export type Database = \{/);
    const committed = await readFile(path.join(projectRoot, "clients/database.types.ts"), "utf8");
    expect(
      committed,
      "clients/database.types.ts is stale: run `npm start`, then `npm run gen:types`",
    ).toBe(generated);
  });
});
