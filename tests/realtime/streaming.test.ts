import pg from "pg";
import { describe, expect, it } from "vitest";
import { createUser, sql, stack } from "../helpers/db.ts";
import { accessTokenFor } from "../helpers/supabase.ts";
import { Inbox, joined, publishedTable, realtimeClient } from "./helpers.ts";

/** The stack's change capture slot and the process streaming from it. */
async function captureSlot(): Promise<{ slot_name: string; active_pid: number | null }> {
  const rows = await sql<{ slot_name: string; active_pid: number | null }>(
    `select slot_name, active_pid from pg_replication_slots
      where slot_name like 'pitlane\\_realtime\\_%' and database = current_database()`,
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe("postgres_changes streamed from the WAL", () => {
  it("delivers to 24 signed-in subscribers exactly their own rows from concurrent writers, in commit order", async () => {
    const SUBSCRIBERS = 24;
    const WRITERS = 3;
    const ROWS_PER_WRITER = 120;
    const table = await publishedTable(
      "id bigint generated always as identity primary key, owner uuid not null, writer int not null, seq int not null",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const users = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => createUser()));
    const inboxes = new Map(users.map((user) => [user.id, new Inbox()]));
    await Promise.all(
      users.map(async (user) => {
        const client = await realtimeClient({ token: await accessTokenFor(user) });
        await joined(
          client
            .channel(`many-${table}`)
            .on(
              "postgres_changes",
              { event: "INSERT", schema: "public", table },
              inboxes.get(user.id)!.push,
            ),
        );
      }),
    );

    // Each writer commits its rows one by one, for owners in turn: every subscriber gets rows
    // from every writer, interleaved as the writers race.
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const client = new pg.Client({ connectionString: stack().dbUrl });
        await client.connect();
        try {
          for (let seq = 0; seq < ROWS_PER_WRITER; seq++)
            await client.query(
              `insert into public.${table} (owner, writer, seq) values ($1, $2, $3)`,
              [users[(seq + writer) % SUBSCRIBERS]!.id, writer, seq],
            );
        } finally {
          await client.end();
        }
      }),
    );

    const rows = await sql<{ owner: string; writer: number; seq: number }>(
      `select owner, writer, seq from public.${table}`,
    );
    for (const user of users) {
      const own = rows.filter((row) => row.owner === user.id);
      const received = await inboxes.get(user.id)!.count(own.length, `${own.length} rows`);
      expect(received).toHaveLength(own.length);
      // Exactly its rows, each writer's in the order that writer committed them.
      for (let writer = 0; writer < WRITERS; writer++) {
        expect(received.filter((m) => m.new.writer === writer).map((m) => m.new.seq)).toEqual(
          own
            .filter((row) => row.writer === writer)
            .map((row) => row.seq)
            .sort((a, b) => a - b),
        );
      }
    }
    // Nothing more arrives: a last row for the first user, committed after all, closes the stream.
    await sql(`insert into public.${table} (owner, writer, seq) values ($1, -1, 0)`, [
      users[0]!.id,
    ]);
    await inboxes.get(users[0]!.id)!.until((items) => items.some((m) => m.new.writer === -1));
    for (const user of users)
      expect(inboxes.get(user.id)!.items).toHaveLength(
        rows.filter((row) => row.owner === user.id).length + (user === users[0] ? 1 : 0),
      );
  });

  it("checks RLS only once the row's transaction is visible: 300 single-row commits, each awaited, all arrive", async () => {
    // The walsender sends a commit before other sessions' snapshots see it (the WAL is flushed
    // before the transaction leaves the proc array), so a check racing it would find no row.
    const ROWS = 300;
    const table = await publishedTable(
      "id int primary key, owner uuid not null",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const user = await createUser();
    const inbox = new Inbox();
    await joined(
      (await realtimeClient({ token: await accessTokenFor(user) }))
        .channel(`visible-${table}`)
        .on("postgres_changes", { event: "INSERT", schema: "public", table }, inbox.push),
    );
    const writer = new pg.Client({ connectionString: stack().dbUrl });
    await writer.connect();
    try {
      for (let id = 1; id <= ROWS; id++) {
        await writer.query(`insert into public.${table} values ($1, $2)`, [id, user.id]);
        await inbox.count(id, `row ${id}`);
      }
    } finally {
      await writer.end();
    }
    expect(inbox.items.map((m) => m.new.id)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  });

  it("resumes from its slot when the replication connection drops: what committed meanwhile arrives once, in order", async () => {
    const table = await publishedTable("id int primary key");
    const inbox = new Inbox();
    await joined(
      (await realtimeClient())
        .channel(`resume-${table}`)
        .on("postgres_changes", { event: "INSERT", schema: "public", table }, inbox.push),
    );
    for (let id = 1; id <= 5; id++) await sql(`insert into public.${table} values ($1)`, [id]);
    await inbox.count(5);

    const before = await captureSlot();
    expect(before.active_pid).not.toBeNull();
    await sql("select pg_terminate_backend($1)", [before.active_pid]);
    // Committed while the capture is away: the slot keeps them until the capture confirms them.
    for (let id = 6; id <= 40; id++) await sql(`insert into public.${table} values ($1)`, [id]);

    const received = await inbox.count(40, "all 40 rows");
    await sql(`insert into public.${table} values (41)`);
    await inbox.count(41);
    expect(received.map((m) => m.new.id)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    const after = await captureSlot();
    expect(after.slot_name).toBe(before.slot_name);
    expect(after.active_pid).not.toBe(before.active_pid);
  });

  it("follows privileges changed while streaming: a REVOKE stops a table's changes, a GRANT restores them", async () => {
    const table = await publishedTable(
      "id int primary key",
      (t) => `grant select on public.${t} to authenticated;`,
    );
    const user = await createUser();
    const changes = new Inbox();
    const system = new Inbox();
    await joined(
      (await realtimeClient({ token: await accessTokenFor(user) }))
        .channel(`grants-${table}`)
        .on("postgres_changes", { event: "INSERT", schema: "public", table }, changes.push)
        .on("system", {}, system.push),
    );
    await sql(`insert into public.${table} values (1)`);
    await changes.count(1);

    await sql(`revoke select on public.${table} from authenticated`);
    await sql(`insert into public.${table} values (2)`);
    await system.until(
      (items) =>
        items.some((m) => /^Unauthorized: role "authenticated" may not SELECT/.test(m.message)),
      "the warning",
    );

    await sql(`grant select on public.${table} to authenticated`);
    await sql(`insert into public.${table} values (3)`);
    await changes.count(2);
    expect(changes.items.map((m) => m.new.id)).toEqual([1, 3]);
  });
});
