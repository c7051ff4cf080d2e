import { execFileSync } from "node:child_process";
import { chown, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/files.ts";
import {
  newDataDir,
  projectRoot,
  runStackToExit,
  spawnStack,
} from "../../supabase/stack/spawn-stack.ts";

async function query<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const lock = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(
    () => undefined,
  );
  return lock ? Number(lock.split("\n")[0]) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The fixture migrations are not Pitlane's, so Pitlane's seed cannot run on them.
const noSeed = ["--seed", path.join(projectRoot, "tests/fixtures/no-seed")];
/** For tests about the stack itself: a small schema starts faster than Pitlane's domain and seed. */
const fixtureSchema = [
  "--migrations",
  path.join(projectRoot, "tests/fixtures/migrations"),
  ...noSeed,
];

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

// Every test here starts stacks from nothing on purpose (initdb, bootstrap, migrations; no template
// copy), several in a row: on a loaded 2-core machine one such test took over a minute.
describe("stack lifecycle", { timeout: 180_000 }, () => {
  it("keeps data across a restart and leaves no postgres behind on SIGTERM", async () => {
    const migrations = await copyFixture("migrations");
    const dataDir = await newDataDir();
    cleanup.push(migrations, dataDir);
    const first = await spawnStack({ dataDir, args: ["--migrations", migrations, ...noSeed] });
    expect(first.output()).toMatch(/applied migration 0001_notes\.sql/);
    expect(first.output()).toMatch(/cold: new database/);
    await query(first.dbUrl, "insert into public.notes (body) values ('kept')");
    const pid = await postmasterPid(dataDir);
    expect(pid && isAlive(pid)).toBe(true);
    expect(await first.stop()).toBe(0);
    expect(isAlive(pid!)).toBe(false);

    const second = await spawnStack({
      dataDir,
      args: ["--migrations", migrations, ...noSeed],
      dbPort: first.dbPort,
    });
    try {
      expect(second.output()).toMatch(/\(warm\)/);
      expect(second.output()).not.toMatch(/applied migration/);
      expect(await query(second.dbUrl, "select body from public.notes")).toEqual([
        { body: "kept" },
      ]);
    } finally {
      await second.stop();
    }
  });

  it("stops cleanly on Ctrl-C (SIGINT to its whole process group), PostgreSQL included", async () => {
    const dataDir = await newDataDir();
    cleanup.push(dataDir);
    const stack = await spawnStack({ dataDir, args: fixtureSchema });
    const pid = await postmasterPid(dataDir);
    expect(await stack.interrupt()).toBe(0);
    expect(stack.output()).toMatch(/SIGINT: stopping\nstopped/);
    expect(isAlive(pid!)).toBe(false);
  });

  it("recovers after the stack is killed with SIGKILL", async () => {
    const migrations = await copyFixture("migrations");
    const dataDir = await newDataDir();
    cleanup.push(migrations, dataDir);
    const first = await spawnStack({ dataDir, args: ["--migrations", migrations, ...noSeed] });
    await query(first.dbUrl, "insert into public.notes (body) values ('before the crash')");
    const orphan = await postmasterPid(dataDir);
    first.child.kill("SIGKILL");
    await first.exited;
    // The stack's postgres outlives it, still holding the port and the lock file.
    expect(isAlive(orphan!)).toBe(true);

    const second = await spawnStack({
      dataDir,
      args: ["--migrations", migrations, ...noSeed],
      dbPort: first.dbPort,
    });
    try {
      expect(isAlive(orphan!)).toBe(false);
      expect(await query(second.dbUrl, "select body from public.notes")).toEqual([
        { body: "before the crash" },
      ]);
    } finally {
      await second.stop();
    }
  });

  it("refuses a migration that changed after it was applied, naming the file", async () => {
    const migrations = await copyFixture("migrations");
    const dataDir = await newDataDir();
    cleanup.push(migrations, dataDir);
    const first = await spawnStack({ dataDir, args: ["--migrations", migrations, ...noSeed] });
    await first.stop();
    await writeFile(
      path.join(migrations, "0001_notes.sql"),
      "create table public.notes (id int);\n",
    );

    const { code, output } = await runStackToExit([
      "--data",
      dataDir,
      "--migrations",
      migrations,
      ...noSeed,
      "--api-port",
      String(first.apiPort),
      "--db-port",
      String(first.dbPort),
    ]);
    expect(code).toBe(1);
    expect(output).toMatch(/Hashes don't match for migrations '0001_notes\.sql'/);
    expect(output).toMatch(/new migration/);
  });

  it("rolls back a failing migration whole and reports file, line and error", async () => {
    const migrations = await copyFixture("migrations");
    const dataDir = await newDataDir();
    cleanup.push(migrations, dataDir);
    const broken = path.join(migrations, "0002_broken.sql");
    await writeFile(
      broken,
      "create table public.half_done (id int);\n\ninsert into public.missing_table values (1);\n",
    );

    const { code, output } = await runStackToExit([
      "--data",
      dataDir,
      "--migrations",
      migrations,
      ...noSeed,
    ]);
    expect(code).toBe(1);
    expect(output).toContain(
      `migration ${broken} failed at line 3: relation "public.missing_table" does not exist`,
    );
    expect(output).toMatch(/the database stays at 0001_notes\.sql/);

    // Fixed, the next start applies it; nothing of the failed attempt is left in between.
    await writeFile(broken, "create table public.half_done (id int);\n");
    const stack = await spawnStack({ dataDir, args: ["--migrations", migrations, ...noSeed] });
    try {
      expect(stack.output()).toMatch(/applied migration 0002_broken\.sql/);
      const tables = await query<{ name: string }>(
        stack.dbUrl,
        "select relname as name from pg_class where relname in ('notes', 'half_done') order by 1",
      );
      expect(tables.map((t) => t.name)).toEqual(["half_done", "notes"]);
    } finally {
      await stack.stop();
    }
  });
});

describe("other databases and resets", () => {
  it("uses the PostgreSQL server in DATABASE_URL instead of the embedded one", async () => {
    const migrations = await copyFixture("migrations");
    cleanup.push(migrations);
    const { dbUrl } = (await import("../helpers/db.ts")).stack();
    const database = `external_${Date.now()}`;
    await query(dbUrl, `create database ${database}`);
    const external = new URL(dbUrl);
    external.pathname = `/${database}`;
    const dataDir = await newDataDir();
    cleanup.push(dataDir);
    const stack = await spawnStack({
      dataDir,
      args: ["--migrations", migrations, ...noSeed],
      env: { DATABASE_URL: external.toString() },
    });
    try {
      expect(stack.dbUrl).toBe(external.toString());
      expect(stack.output()).toMatch(/applied migration 0001_notes\.sql/);
      expect(
        await query(
          external.toString(),
          "select count(*)::int as n from pitlane_stack.platform_versions",
        ),
      ).not.toEqual([{ n: 0 }]);
      expect(
        await query(external.toString(), "select count(*)::int as n from public.notes"),
      ).toEqual([{ n: 0 }]);
    } finally {
      expect(await stack.stop()).toBe(0);
    }
    // Stopping the stack leaves a server it did not start alone.
    expect(await query(external.toString(), "select 1 as up")).toEqual([{ up: 1 }]);
  });

  it("rebuilds the database from bootstrap, migrations and seed with db:reset, running or stopped", async () => {
    const migrations = await copyFixture("migrations");
    const seed = await copyFixture("seed");
    const dataDir = await newDataDir();
    cleanup.push(migrations, seed, dataDir);
    const dirs = ["--migrations", migrations, "--seed", seed];
    const stack = await spawnStack({ dataDir, args: dirs });
    expect(stack.output()).toMatch(/seeded 0001_notes\.sql/);
    await query(stack.dbUrl, "insert into public.notes (body) values ('scratch')");

    const whileRunning = await runStackToExit(
      ["--data", dataDir, ...dirs],
      {},
      "supabase/stack/db-reset.ts",
    );
    expect(whileRunning.output).toContain(
      "database reset: 1 migrations applied, seed 0001_notes.sql",
    );
    expect(whileRunning.code).toBe(0);
    expect(await query(stack.dbUrl, "select body from public.notes")).toEqual([{ body: "seeded" }]);

    await query(stack.dbUrl, "insert into public.notes (body) values ('scratch again')");
    expect(await stack.stop()).toBe(0);
    const whileStopped = await runStackToExit(
      ["--data", dataDir, ...dirs],
      {},
      "supabase/stack/db-reset.ts",
    );
    expect(whileStopped.code).toBe(0);
    const restarted = await spawnStack({ dataDir, args: dirs });
    try {
      expect(await query(restarted.dbUrl, "select body from public.notes")).toEqual([
        { body: "seeded" },
      ]);
    } finally {
      await restarted.stop();
    }
  });
});

describe("who runs it", () => {
  // PostgreSQL refuses to run as root: as root the stack runs it as the `postgres` OS user, and as
  // anyone else it runs it as themselves. Whichever this run is, the other case is checked here.
  it("runs as a normal user too", async () => {
    const dataDir = await newDataDir();
    cleanup.push(dataDir);
    const asRoot = process.getuid?.() === 0;
    if (asRoot)
      await chown(
        dataDir,
        Number(execFileSync("id", ["-u", "postgres"]).toString()),
        Number(execFileSync("id", ["-g", "postgres"]).toString()),
      );
    const stack = await spawnStack({
      dataDir,
      args: fixtureSchema,
      user: asRoot ? "postgres" : undefined,
    });
    const pid = await postmasterPid(dataDir);
    try {
      const [row] = await query<{ ok: number }>(stack.dbUrl, "select 1 as ok");
      expect(row).toEqual({ ok: 1 });
      const owner = (await stat(path.join(dataDir, "postgres"))).uid;
      expect(owner).toBe(
        asRoot ? Number(execFileSync("id", ["-u", "postgres"]).toString()) : process.getuid?.(),
      );
    } finally {
      // runuser passes SIGTERM on and then ends by it, so judge the stack by what it did.
      await stack.stop();
    }
    expect(stack.output()).toMatch(/SIGTERM: stopping\nstopped/);
    expect(isAlive(pid!)).toBe(false);
  });
});
