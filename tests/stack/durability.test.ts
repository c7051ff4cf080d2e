import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { copyFixture } from "../helpers/files.ts";
import { newDataDir, projectRoot, spawnStack } from "../../supabase/stack/spawn-stack.ts";

const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((dir) => rm(dir, { recursive: true, force: true })));
});

const writers = 8;
const writeForMs = 3_000;

async function postmasterPid(dataDir: string): Promise<number> {
  const lock = await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8");
  return Number(lock.split("\n")[0]);
}

/** Inserts notes through REST until `until` says stop; returns the ids of every insert answered 201. */
async function writeUntil(apiUrl: string, key: string, until: () => boolean): Promise<number[]> {
  const acknowledged: number[] = [];
  while (!until()) {
    try {
      const response = await fetch(`${apiUrl}/rest/v1/notes`, {
        method: "POST",
        headers: {
          apikey: key,
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          prefer: "return=representation",
        },
        body: JSON.stringify({ body: "acknowledged" }),
      });
      if (response.status !== 201) return acknowledged;
      const [row] = (await response.json()) as { id: number }[];
      acknowledged.push(row!.id);
    } catch {
      // The connection broke: the stack is gone.
      return acknowledged;
    }
  }
  return acknowledged;
}

describe("durability", () => {
  // fsync=off trades durability against power loss for speed; a crash of the processes alone
  // (kill -9, the out-of-memory killer) must lose no write that was acknowledged.
  it("keeps every insert that answered 201 after kill -9 of the stack and its PostgreSQL", async () => {
    const migrations = await copyFixture("migrations");
    const dataDir = await newDataDir();
    cleanup.push(migrations, dataDir);
    const args = [
      "--migrations",
      migrations,
      "--seed",
      path.join(projectRoot, "tests/fixtures/no-seed"),
    ];
    const first = await spawnStack({ dataDir, args });
    const postgres = await postmasterPid(dataDir);

    let killed = false;
    const writing = Array.from({ length: writers }, () =>
      writeUntil(first.apiUrl, first.serviceRoleKey, () => killed),
    );
    await new Promise((resolve) => setTimeout(resolve, writeForMs));
    // Both process groups at once, PostgreSQL's first, while the writers are busy.
    process.kill(-postgres, "SIGKILL");
    process.kill(-first.child.pid!, "SIGKILL");
    killed = true;
    const acknowledged = (await Promise.all(writing)).flat();
    await first.exited;
    // Enough acknowledged writes in flight to matter, even on a busy machine.
    expect(acknowledged.length).toBeGreaterThan(20);

    const second = await spawnStack({ dataDir, args, dbPort: first.dbPort });
    try {
      const client = new pg.Client({ connectionString: second.dbUrl });
      await client.connect();
      const { rows } = await client.query<{ id: string }>("select id from public.notes");
      await client.end();
      const present = new Set(rows.map((row) => Number(row.id)));
      const lost = acknowledged.filter((id) => !present.has(id));
      expect(lost, `${lost.length} of ${acknowledged.length} acknowledged inserts lost`).toEqual(
        [],
      );
    } finally {
      await second.stop();
    }
  });
});
