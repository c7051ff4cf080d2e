import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/files.ts";
import { newDataDir, spawnStack } from "../../supabase/stack/spawn-stack.ts";

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("search_path of migrations and seed", () => {
  // On hosted Supabase they run as `postgres`, whose search_path is "$user", public, extensions.
  // The bootstrap sets it with `alter role`, which only sessions started afterwards see.
  it("is hosted Supabase's from the first start: extension functions work unqualified", async () => {
    const migrations = await copyFixture("migrations");
    const seed = await copyFixture("extension-seed");
    const dataDir = await newDataDir();
    cleanup.push(migrations, seed, dataDir);
    await writeFile(
      path.join(migrations, "0002_extension_calls.sql"),
      "insert into public.notes (body) values (crypt('migration password', gen_salt('bf')));\n" +
        "insert into public.notes (body) select 'migration search_path: ' || current_setting('search_path');\n",
    );
    const stack = await spawnStack({ dataDir, args: ["--migrations", migrations, "--seed", seed] });
    try {
      expect(stack.output()).toMatch(/seeded 0001_accounts\.sql/);
      const client = new pg.Client({ connectionString: stack.dbUrl });
      await client.connect();
      const { rows } = await client.query<{ body: string }>(
        "select body from public.notes order by id",
      );
      await client.end();
      expect(rows.map((row) => row.body)).toEqual([
        expect.stringMatching(/^\$2a\$06\$/),
        'migration search_path: "$user", public, extensions',
        expect.stringMatching(/^\$2a\$06\$/),
        'seed search_path: "$user", public, extensions',
      ]);
    } finally {
      await stack.stop();
    }
  });
});
