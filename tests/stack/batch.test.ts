import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Batch, type BatchStatement } from "../../supabase/stack/database/batch.ts";
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
      { text: "SELECT $1::int AS n, $2::bigint AS big, $3::text[] AS list, '{\"a\":1}'::jsonb AS doc, NULL::text AS nothing", values: [7, "9007199254740993", "{x,y}"], rows: true },
      { text: "SELECT current_setting('pitlane.test') AS setting", rows: true },
      { text: "COMMIT" },
    ]).results;
    expect(results).toEqual([[], [], [{ n: 7, big: "9007199254740993", list: ["x", "y"], doc: { a: 1 }, nothing: null }], [{ setting: "set" }], []]);
    // The setting was transaction-local: COMMIT ended it with the batch.
    expect((await client.query("SELECT current_setting('pitlane.test', true) AS setting")).rows).toEqual([{ setting: "" }]);
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
    await expect(batch.results).rejects.toMatchObject({ code: "22012", message: "division by zero" });
    expect(batch.completed).toBe(2);
    await client.query("ROLLBACK");
    expect((await client.query("SELECT mark FROM batch_marks")).rows).toEqual([]);
  });

  it("parses a named statement once per connection, and anew after a batch failed around it", async () => {
    const insert: BatchStatement = { name: "batch_test_insert", text: "INSERT INTO batch_keys VALUES ($1) RETURNING k", rows: true };
    await client.query("CREATE TEMPORARY TABLE batch_keys (k int PRIMARY KEY)");
    const preparedAt = async () =>
      (await client.query<{ at: string }>("SELECT prepare_time::text AS at FROM pg_prepared_statements WHERE name = 'batch_test_insert'")).rows.map((r) => r.at);
    expect(await run([{ ...insert, values: [1] }]).results).toEqual([[{ k: 1 }]]);
    const first = await preparedAt();
    expect(first).toHaveLength(1);
    // Parsed, then failed in execution: PostgreSQL keeps the statement, the batch cannot know it did.
    await expect(run([{ ...insert, values: [1] }]).results).rejects.toMatchObject({ code: "23505" });
    expect(await preparedAt()).toEqual(first);
    expect(await run([{ ...insert, values: [2] }]).results).toEqual([[{ k: 2 }]]);
    const remade = await preparedAt();
    expect(remade).toHaveLength(1);
    expect(remade).not.toEqual(first);
    expect(await run([{ ...insert, values: [3] }]).results).toEqual([[{ k: 3 }]]);
    expect(await preparedAt()).toEqual(remade);
  });
});
