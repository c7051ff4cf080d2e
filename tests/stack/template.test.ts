// A test file's own stack on the default migrations and seed starts on a copy of the run's template
// cluster (built once by tests/global-setup.ts) instead of running initdb, the platform bootstrap,
// every migration and the seed again. Stacks on other migrations or seeds build their own
// (tests/stack/lifecycle.test.ts and search-path.test.ts check those from a cold start).
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { Db } from "../helpers/db.ts";
import { projectRoot, spawnStack, templateEnv } from "../../supabase/stack/spawn-stack.ts";

it("starts a stack on the default migrations and seed from the template, already migrated and seeded", async () => {
  expect(process.env[templateEnv]).toBeTruthy();
  const stack = await spawnStack();
  const db = new Db(stack.dbUrl);
  try {
    expect(stack.output()).not.toMatch(/initialising a new PostgreSQL cluster/);
    expect(stack.output()).not.toMatch(/applied migration|seeded /);
    expect(stack.output()).toMatch(/Started in: .*\(warm\)/);
    const migrations = (await readdir(path.join(projectRoot, "sql"))).filter((file) =>
      /^\d{4}_.*\.sql$/.test(file),
    );
    const [row] = await db.sql(
      `select (select count(*)::int from pitlane_stack.migrations) as migrations,
              exists (select 1 from pitlane_stack.seeded) as seeded,
              exists (select 1 from auth.users where email = 'admin@pitlane.test') as demo_admin`,
    );
    expect(row).toEqual({ migrations: migrations.length, seeded: true, demo_admin: true });
  } finally {
    await db.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
});
