import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Batch,
  SharedBatches,
  type BatchStatement,
} from "../../supabase/stack/rest/transaction/batch.ts";
import { stack } from "../helpers/db.ts";

let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: stack().dbUrl });
  await client.connect();
});

afterAll(async () => {
  await client.end();
});

function run(statements: BatchStatement[]): Batch {
  const batch = new Batch(statements);
  client.query(batch);
  return batch;
}

describe("statement batches", () => {
  it("answers every statement of one round trip in order, rows only where asked, typed as pg types them", async () => {
    const results = await run([
      { text: "BEGIN" },
      { text: "SELECT set_config('pitlane.test', $1, true)", values: ["set"] },
      {
        text: "SELECT $1::int AS n, $2::bigint AS big, $3::text[] AS list, '{\"a\":1}'::jsonb AS doc, NULL::text AS nothing",
        values: [7, "9007199254740993", "{x,y}"],
        rows: true,
      },
      { text: "SELECT current_setting('pitlane.test') AS setting", rows: true },
      { text: "COMMIT" },
    ]).results;
    expect(results).toEqual([
      [],
      [],
      [{ n: 7, big: "9007199254740993", list: ["x", "y"], doc: { a: 1 }, nothing: null }],
      [{ setting: "set" }],
      [],
    ]);
    // The setting was transaction-local: COMMIT ended it with the batch.
    expect(
      (await client.query("SELECT current_setting('pitlane.test', true) AS setting")).rows,
    ).toEqual([{ setting: "" }]);
  });

  it("stops at an error: the failed statement's index, nothing after it run, the connection usable", async () => {
    await client.query("CREATE TEMPORARY TABLE batch_marks (mark text)");
    const batch = run([
      { text: "BEGIN" },
      { text: "INSERT INTO batch_marks VALUES ('before')" },
      { text: "SELECT 1 / $1::int", values: [0] },
      { text: "INSERT INTO batch_marks VALUES ('after')" },
      { text: "COMMIT" },
    ]);
    await expect(batch.results).rejects.toMatchObject({
      code: "22012",
      message: "division by zero",
    });
    expect(batch.completed).toBe(2);
    await client.query("ROLLBACK");
    expect((await client.query("SELECT mark FROM batch_marks")).rows).toEqual([]);
  });

  it("parses a named statement once per connection, and anew when a failed batch leaves it unknown", async () => {
    await client.query("CREATE TEMPORARY TABLE batch_keys (k int PRIMARY KEY)");
    const preparedAt = async (name: string) =>
      (
        await client.query<{ at: string }>(
          "SELECT prepare_time::text AS at FROM pg_prepared_statements WHERE name = $1",
          [name],
        )
      ).rows.map((r) => r.at);
    const insert = (name: string, k: number): BatchStatement => ({
      name,
      text: "INSERT INTO batch_keys VALUES ($1) RETURNING k",
      values: [k],
      rows: true,
    });

    expect(await run([insert("batch_insert", 1)]).results).toEqual([[{ k: 1 }]]);
    const first = await preparedAt("batch_insert");
    expect(first).toHaveLength(1);
    // A parsed statement stays parsed when its execution fails: no second Parse.
    await expect(run([insert("batch_insert", 1)]).results).rejects.toMatchObject({ code: "23505" });
    expect(await run([insert("batch_insert", 2)]).results).toEqual([[{ k: 2 }]]);
    expect(await preparedAt("batch_insert")).toEqual(first);

    // First use fails after its Parse: PostgreSQL keeps the statement, the batch cannot know it did.
    await expect(run([insert("batch_after_parse", 2)]).results).rejects.toMatchObject({
      code: "23505",
    });
    expect(await run([insert("batch_after_parse", 3)]).results).toEqual([[{ k: 3 }]]);
    // First use fails before its Parse was read: there is no statement to bind.
    await expect(
      run([{ text: "SELECT 1 / $1::int", values: [0] }, insert("batch_before_parse", 4)]).results,
    ).rejects.toMatchObject({ code: "22012" });
    expect(await preparedAt("batch_before_parse")).toEqual([]);
    expect(await run([insert("batch_before_parse", 4)]).results).toEqual([[{ k: 4 }]]);
    expect(await preparedAt("batch_before_parse")).toHaveLength(1);
  });

  /** The backend that ran each of `count` batches sent in one turn through `shared`. */
  async function backendsOf(shared: SharedBatches, count: number): Promise<number[]> {
    const batches = Array.from(
      { length: count },
      () => new Batch([{ text: "SELECT pg_backend_pid() AS pid", rows: true }]),
    );
    for (const batch of batches) shared.send(batch);
    return (await Promise.all(batches.map((batch) => batch.results))).map(
      (results) => results[0]![0]!.pid as number,
    );
  }

  it("sends one turn's batches to one connection while they fit one write, free ones left idle", async () => {
    const pool = new pg.Pool({ connectionString: stack().dbUrl, max: 8, pipeline: true });
    try {
      const pids = await backendsOf(new SharedBatches(pool), 5);
      expect(new Set(pids).size).toBe(1);
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("writes no more than perWrite batches to a connection, the rest in order to further ones", async () => {
    const pool = new pg.Pool({ connectionString: stack().dbUrl, max: 8, pipeline: true });
    try {
      const pids = await backendsOf(new SharedBatches(pool, 2), 5);
      expect(new Set(pids).size).toBe(3);
      expect(pids[0]).toBe(pids[1]);
      expect(pids[2]).toBe(pids[3]);
      expect(pids[4]).not.toBe(pids[0]);
      expect(pids[4]).not.toBe(pids[2]);
      expect(pool.totalCount).toBe(3);
    } finally {
      await pool.end();
    }
  });

  it("shares a connection between batches of one turn, each its own transaction", async () => {
    const pool = new pg.Pool({ connectionString: stack().dbUrl, max: 1, pipeline: true });
    try {
      await pool.query("CREATE TABLE IF NOT EXISTS public.batch_shared (k int PRIMARY KEY)");
      await pool.query("TRUNCATE public.batch_shared");
      const shared = new SharedBatches(pool, 4);
      const insert = (k: number): BatchStatement => ({
        name: "batch_shared_insert",
        text: "INSERT INTO public.batch_shared VALUES ($1) RETURNING k",
        values: [k],
        rows: true,
      });
      // The first fails before its Parse of the shared name is read: those behind it in the same
      // write must not count on that statement existing.
      const batches = [
        new Batch([{ text: "SELECT 1 / $1::int", values: [0] }, insert(0)]),
        ...[1, 1, 2, 3, 4].map((k) => new Batch([insert(k)])),
      ];
      for (const batch of batches) shared.send(batch);
      const settled = await Promise.allSettled(batches.map((batch) => batch.results));
      expect(settled.map((s) => s.status)).toEqual([
        "rejected",
        "fulfilled",
        "rejected",
        "fulfilled",
        "fulfilled",
        "fulfilled",
      ]);
      expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ code: "22012" });
      expect((settled[2] as PromiseRejectedResult).reason).toMatchObject({ code: "23505" });
      expect((await pool.query("SELECT k FROM public.batch_shared ORDER BY k")).rows).toEqual(
        [1, 2, 3, 4].map((k) => ({ k })),
      );
      // Every batch went over the pool's one connection, and left it usable.
      expect(pool.totalCount).toBe(1);
      expect((await pool.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.query("DROP TABLE IF EXISTS public.batch_shared");
      await pool.end();
    }
  });
});
