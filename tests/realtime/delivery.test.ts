import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createUser, stack } from "../helpers/db.ts";
import { accessTokenFor } from "../helpers/supabase.ts";
import { Inbox, joined, publishedTable, realtimeClient, serializers } from "./helpers.ts";

const WRITERS = 4;
const ROWS_PER_WRITER = 250;
const TOTAL = WRITERS * ROWS_PER_WRITER;

describe("nothing lost", () => {
  it("delivers 1,000 concurrent inserts to every authorized subscriber, all of them, in commit order", async () => {
    const table = await publishedTable(
      "id bigint generated always as identity primary key, writer int not null, seq int not null",
      (t) => `alter table public.${t} enable row level security;
              create policy signed_in on public.${t} for select to authenticated using ((select auth.uid()) is not null);
              grant select on public.${t} to authenticated;`,
    );
    const users = await Promise.all([createUser(), createUser()]);
    const inboxes = users.flatMap(() => serializers.map(() => new Inbox()));
    let i = 0;
    for (const user of users) {
      for (const vsn of serializers) {
        const client = await realtimeClient({ vsn, token: await accessTokenFor(user) });
        await joined(
          client
            .channel(`bulk-${table}`)
            .on(
              "postgres_changes",
              { event: "INSERT", schema: "public", table },
              inboxes[i++]!.push,
            ),
        );
      }
    }
    // An anonymous subscriber may not read the table at all and must get none of it.
    const anonymous = new Inbox();
    await joined(
      (await realtimeClient())
        .channel(`bulk-${table}`)
        .on("postgres_changes", { event: "INSERT", schema: "public", table }, anonymous.push),
    );

    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const client = new pg.Client({ connectionString: stack().dbUrl });
        await client.connect();
        try {
          for (let seq = 0; seq < ROWS_PER_WRITER; seq++)
            await client.query(`insert into public.${table} (writer, seq) values ($1, $2)`, [
              writer,
              seq,
            ]);
        } finally {
          await client.end();
        }
      }),
    );

    for (const inbox of inboxes) {
      const received = await inbox.count(TOTAL, `all ${TOTAL} inserts`);
      expect(received).toHaveLength(TOTAL);
      expect(new Set(received.map((m) => m.new.id)).size).toBe(TOTAL);
      // Commit order: each writer's rows in the order it committed them.
      for (let writer = 0; writer < WRITERS; writer++) {
        expect(received.filter((m) => m.new.writer === writer).map((m) => m.new.seq)).toEqual([
          ...Array(ROWS_PER_WRITER).keys(),
        ]);
      }
      // Across writers commit times barely go back: PostgreSQL takes a commit's time before it writes
      // the commit record, so two commits racing may be logged in the other order.
      let latest = 0;
      let backwards = 0;
      for (const time of received.map((m) => Date.parse(m.commit_timestamp as string))) {
        latest = Math.max(latest, time);
        backwards = Math.max(backwards, latest - time);
      }
      expect(backwards).toBeLessThan(250);
    }
    expect(anonymous.items).toEqual([]);
  });

  it("checks RLS for 120 signed-in subscribers at once, each getting exactly its own rows", async () => {
    // More identities than one RLS check takes (deliver.ts), so the check is split across
    // connections; every part's verdicts must reach its subscribers.
    const SUBSCRIBERS = 120;
    const table = await publishedTable(
      "id bigint generated always as identity primary key, owner uuid not null, round int not null",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const owners = Array.from({ length: SUBSCRIBERS }, () => randomUUID());
    const inboxes = owners.map(() => new Inbox());
    await Promise.all(
      owners.map(async (owner, i) => {
        const token = await accessTokenFor({
          claims: { sub: owner, role: "authenticated", aud: "authenticated" },
        });
        await joined(
          (await realtimeClient({ token }))
            .channel(`parts-${table}`)
            .on("postgres_changes", { event: "INSERT", schema: "public", table }, inboxes[i]!.push),
        );
      }),
    );
    const client = new pg.Client({ connectionString: stack().dbUrl });
    await client.connect();
    try {
      // Two rounds of one row per owner, the rounds committed one after the other.
      for (const round of [1, 2])
        await client.query(
          `insert into public.${table} (owner, round) select owner, $2 from unnest($1::uuid[]) as owner`,
          [owners, round],
        );
    } finally {
      await client.end();
    }
    for (const [i, inbox] of inboxes.entries()) {
      const received = await inbox.count(2, `subscriber ${i}'s 2 rows`);
      expect(received.map((m) => [m.new.owner, m.new.round])).toEqual([
        [owners[i], 1],
        [owners[i], 2],
      ]);
    }
  });
});
