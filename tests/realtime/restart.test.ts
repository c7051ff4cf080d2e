import { rm } from "node:fs/promises";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { Inbox, realtimeClient } from "./helpers.ts";

async function run(dbUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe("a stack restart", () => {
  let stack: SpawnedStack | undefined;
  afterAll(async () => {
    await stack?.stop();
    if (stack) await rm(stack.dataDir, { recursive: true, force: true });
  });

  it("is survived by a subscribed client: it reconnects, rejoins and receives again", async () => {
    stack = await spawnStack();
    const { apiPort, dbPort, dataDir } = stack;
    await run(
      stack.dbUrl,
      "create table public.restart_notes (id int primary key); grant select on public.restart_notes to anon; alter publication supabase_realtime add table public.restart_notes",
    );

    const client = await realtimeClient({ apiUrl: stack.apiUrl, reconnectAfterMs: 300 });
    const statuses = new Inbox<string>();
    const inbox = new Inbox();
    client
      .channel("restart")
      .on(
        "postgres_changes",
        { event: "INSERT", schema: "public", table: "restart_notes" },
        inbox.push,
      )
      .subscribe((status) => statuses.push(status));
    await statuses.until((s) => s.filter((x) => x === "SUBSCRIBED").length === 1);
    await run(stack.dbUrl, "insert into public.restart_notes values (1)");
    await inbox.count(1);

    await stack.stop();
    stack = await spawnStack({ dataDir, apiPort, dbPort });
    // realtime-js rejoins its channels by itself once the socket is back.
    await statuses.until(
      (s) => s.filter((x) => x === "SUBSCRIBED").length === 2,
      "the rejoin",
      30_000,
    );
    await run(stack.dbUrl, "insert into public.restart_notes values (2)");
    expect((await inbox.count(2)).map((m) => m.new.id)).toEqual([1, 2]);
  });
});
