import { describe, expect, it } from "vitest";
import { accessTokenFor } from "../helpers/supabase.ts";
import { createUser, sql } from "../helpers/db.ts";
import {
  Inbox,
  joined,
  publishedTable,
  realtimeClient,
  serializers,
  subscribe,
} from "./helpers.ts";

describe.each(serializers)("postgres_changes over vsn %s", (vsn) => {
  it("delivers INSERT, UPDATE and DELETE with the payload realtime-js expects", async () => {
    const table = await publishedTable(
      "id bigint generated always as identity primary key, body text not null, tags text[] default '{a,b}', meta jsonb, at timestamptz default '2024-05-01 10:00:00+00'",
    );
    await sql(`grant select on public.${table} to anon`);
    const all = new Inbox();
    const inserts = new Inbox();
    const system = new Inbox();
    const channel = (await realtimeClient({ vsn }))
      .channel(`changes-${table}`)
      .on("postgres_changes", { event: "*", schema: "public", table }, all.push)
      .on("postgres_changes", { event: "INSERT", schema: "public", table }, inserts.push)
      .on("system", {}, system.push);
    await joined(channel);
    await system.until(
      (items) => items.some((m) => m.extension === "postgres_changes"),
      "the subscription's system message",
    );
    expect(system.items).toContainEqual({
      extension: "postgres_changes",
      status: "ok",
      message: "Subscribed to PostgreSQL",
      channel: `changes-${table}`,
    });

    await sql(`insert into public.${table} (body, meta) values ('first', '{"n": 1}')`);
    await sql(`update public.${table} set body = 'second'`);
    await sql(`delete from public.${table}`);
    const [insert, update, remove] = await all.count(3);

    expect(insert).toMatchObject({
      schema: "public",
      table,
      eventType: "INSERT",
      new: {
        id: 1,
        body: "first",
        tags: ["a", "b"],
        meta: { n: 1 },
        at: "2024-05-01T10:00:00+00:00",
      },
      old: {},
      errors: null,
    });
    expect(insert.commit_timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(update).toMatchObject({
      eventType: "UPDATE",
      new: { id: 1, body: "second" },
      old: { id: 1 },
    });
    expect(remove).toMatchObject({ eventType: "DELETE", new: {}, old: { id: 1 } });
    // Without `replica identity full` only the primary key of the old row is in the WAL.
    expect(Object.keys(remove.old)).toEqual(["id"]);
    expect((await inserts.count(1)).map((m) => m.eventType)).toEqual(["INSERT"]);
    expect(inserts.items).toHaveLength(1);
  });

  it("sends the whole old row with replica identity full", async () => {
    const table = await publishedTable(
      "id int primary key, body text",
      (t) => `alter table public.${t} replica identity full;`,
    );
    await sql(`grant select on public.${table} to anon`);
    const inbox = new Inbox();
    await joined(
      (await realtimeClient({ vsn }))
        .channel(`full-${table}`)
        .on("postgres_changes", { event: "*", schema: "public", table }, inbox.push),
    );
    await sql(`insert into public.${table} values (1, 'before')`);
    await sql(`update public.${table} set body = 'after'`);
    await sql(`delete from public.${table}`);
    const [, update, remove] = await inbox.count(3);
    expect(update.old).toEqual({ id: 1, body: "before" });
    expect(remove.old).toEqual({ id: 1, body: "after" });
  });

  it("applies each filter operator", async () => {
    const table = await publishedTable("id int primary key, n int not null, label text not null");
    await sql(`grant select on public.${table} to anon`);
    const filters = {
      eq: "n=eq.3",
      neq: "n=neq.3",
      lt: "n=lt.3",
      lte: "n=lte.3",
      gt: "n=gt.3",
      gte: "n=gte.3",
      in: 'label=in.(two,"four")',
    } as const;
    const inboxes = Object.fromEntries(
      Object.keys(filters).map((op) => [op, new Inbox()]),
    ) as Record<keyof typeof filters, Inbox>;
    const client = await realtimeClient({ vsn });
    for (const [op, filter] of Object.entries(filters) as [keyof typeof filters, string][]) {
      await joined(
        client
          .channel(`filter-${op}-${table}`)
          .on(
            "postgres_changes",
            { event: "INSERT", schema: "public", table, filter },
            inboxes[op].push,
          ),
      );
    }
    const marker = new Inbox();
    await joined(
      client.channel(`filter-marker-${table}`).on("broadcast", { event: "marker" }, marker.push),
    );
    await sql(
      `insert into public.${table} select i, i, (array['one','two','three','four','five'])[i] from generate_series(1, 5) i`,
    );
    await sql(`select realtime.send('{}', 'marker', $1, false)`, [`filter-marker-${table}`]);
    // The marker is committed after the rows and one socket carries everything in commit order:
    // once it is here, every filtered channel has had all the changes it will get.
    await marker.count(1);
    const seen = (op: keyof typeof filters) => inboxes[op].items.map((m) => m.new.n);
    expect(seen("eq")).toEqual([3]);
    expect(seen("neq")).toEqual([1, 2, 4, 5]);
    expect(seen("lt")).toEqual([1, 2]);
    expect(seen("lte")).toEqual([1, 2, 3]);
    expect(seen("gt")).toEqual([4, 5]);
    expect(seen("gte")).toEqual([3, 4, 5]);
    expect(seen("in")).toEqual([2, 4]);
  });

  it("delivers to each signed-in user only the rows RLS lets them SELECT", async () => {
    const table = await publishedTable(
      "id bigint generated always as identity primary key, owner uuid not null, body text",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    const inboxes = { alice: new Inbox(), bob: new Inbox() };
    for (const [name, user] of [
      ["alice", alice],
      ["bob", bob],
    ] as const) {
      const client = await realtimeClient({ vsn, token: await accessTokenFor(user) });
      await joined(
        client
          .channel(`rls-${table}`)
          .on("postgres_changes", { event: "INSERT", schema: "public", table }, inboxes[name].push),
      );
    }
    await sql(
      `insert into public.${table} (owner, body) values ($1, 'alice 1'), ($2, 'bob 1'), ($1, 'alice 2')`,
      [alice.id, bob.id],
    );
    await sql(
      `insert into public.${table} (owner, body) values ($1, 'alice last'), ($2, 'bob last')`,
      [alice.id, bob.id],
    );
    // Each user's last row is committed after everything else, so once it is here nothing else can follow.
    const bodies = async (inbox: Inbox) =>
      (await inbox.until((items) => items.some((m) => m.new.body.endsWith("last")))).map(
        (m) => m.new.body,
      );
    expect(await bodies(inboxes.alice)).toEqual(["alice 1", "alice 2", "alice last"]);
    expect(await bodies(inboxes.bob)).toEqual(["bob 1", "bob last"]);
  });

  it("checks each subscriber under the role and sub settings of its own claims", async () => {
    // Policies written for Realtime's legacy per-claim settings: the check reads each caller's role
    // and sub from its claims (realtime.visible_rows), not from settings of the caller before it.
    const table = await publishedTable(
      "id bigint generated always as identity primary key, owner uuid not null, body text",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated
                using (current_setting('request.jwt.claim.sub', true) = owner::text
                       and current_setting('request.jwt.claim.role', true) = 'authenticated');
              grant select on public.${t} to authenticated;`,
    );
    const users = await Promise.all([createUser(), createUser(), createUser()]);
    const inboxes = users.map(() => new Inbox());
    for (const [i, user] of users.entries()) {
      const client = await realtimeClient({ vsn, token: await accessTokenFor(user) });
      await joined(
        client
          .channel(`claims-${table}`)
          .on("postgres_changes", { event: "INSERT", schema: "public", table }, inboxes[i]!.push),
      );
    }
    await sql(
      `insert into public.${table} (owner, body) select owner, 'row of ' || n from unnest($1::uuid[]) with ordinality as u(owner, n)`,
      [users.map((user) => user.id)],
    );
    for (const [i, inbox] of inboxes.entries())
      expect((await inbox.until((items) => items.length > 0)).map((m) => m.new.body)).toEqual([
        `row of ${i + 1}`,
      ]);
  });

  it("sends each subscriber of a change its own listener ids, filtered or not, under RLS", async () => {
    const table = await publishedTable(
      "id bigint generated always as identity primary key, owner uuid not null, n int not null",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const [alice, bob] = await Promise.all([createUser(), createUser()]);
    const on = (filter?: string) => ({
      event: "INSERT" as const,
      schema: "public",
      table,
      ...(filter ? { filter } : {}),
    });
    // Alice's channel has a listener without a filter and one with; Bob's channels only filtered
    // ones, so his changes wait for the records before their RLS check.
    const inboxes = {
      aliceAll: new Inbox(),
      aliceOne: new Inbox(),
      bobOne: new Inbox(),
      bobTwo: new Inbox(),
    };
    const aliceClient = await realtimeClient({ vsn, token: await accessTokenFor(alice) });
    await joined(
      aliceClient
        .channel(`ids-${table}`)
        .on("postgres_changes", on(), inboxes.aliceAll.push)
        .on("postgres_changes", on("n=eq.1"), inboxes.aliceOne.push),
    );
    // One client per channel: supabase-js joins a client's later channels with the apikey, not
    // the token given to realtime.setAuth().
    for (const [name, filter, inbox] of [
      ["one", "n=eq.1", inboxes.bobOne],
      ["two", "n=eq.2", inboxes.bobTwo],
    ] as const) {
      const bobClient = await realtimeClient({ vsn, token: await accessTokenFor(bob) });
      await joined(
        bobClient.channel(`ids-${name}-${table}`).on("postgres_changes", on(filter), inbox.push),
      );
    }

    await sql(
      `insert into public.${table} (owner, n) values ($1, 1), ($2, 1), ($2, 2), ($1, 2), ($1, 3)`,
      [alice.id, bob.id],
    );
    // Committed after the rows above: once each listener has its last row, nothing else can follow.
    await sql(`insert into public.${table} (owner, n) values ($1, 1), ($2, 1), ($2, 2)`, [
      alice.id,
      bob.id,
    ]);
    const ids = async (inbox: Inbox, count: number) =>
      (await inbox.count(count)).map((m) => [m.new.owner, m.new.n]);
    expect(await ids(inboxes.aliceAll, 4)).toEqual([
      [alice.id, 1],
      [alice.id, 2],
      [alice.id, 3],
      [alice.id, 1],
    ]);
    expect(await ids(inboxes.aliceOne, 2)).toEqual([
      [alice.id, 1],
      [alice.id, 1],
    ]);
    expect(await ids(inboxes.bobOne, 2)).toEqual([
      [bob.id, 1],
      [bob.id, 1],
    ]);
    expect(await ids(inboxes.bobTwo, 2)).toEqual([
      [bob.id, 2],
      [bob.id, 2],
    ]);
  });

  /**
   * A table whose rows anon sees when their tenant is 0, and a signed-in caller when it is their
   * `tenant` claim: a claim that is no number makes that caller's RLS check fail.
   */
  const tenantTable = () =>
    publishedTable(
      "id bigint generated always as identity primary key, tenant int not null",
      (t) => `alter table public.${t} enable row level security;
              create policy tenant_rows on public.${t} for select to authenticated using (((select auth.jwt()) ->> 'tenant')::int = tenant);
              create policy public_rows on public.${t} for select to anon using (tenant = 0);
              grant select on public.${t} to anon, authenticated;`,
    );
  /** A subscriber to the table's inserts: its changes, and its system messages. */
  const listen = async (table: string, token: string | undefined, name: string) => {
    const inbox = new Inbox();
    const system = new Inbox();
    await joined(
      (await realtimeClient({ vsn, token }))
        .channel(`${name}-${table}`)
        .on("postgres_changes", { event: "INSERT", schema: "public", table }, inbox.push)
        .on("system", {}, system.push),
    );
    return { inbox, system };
  };

  it("tells a subscriber whose RLS check fails, and checks the others as themselves", async () => {
    const table = await tenantTable();
    const [mallory, bob] = await Promise.all([createUser(), createUser()]);
    // Checked in this order: a caller of another role, the one whose check fails (its claim is no
    // number), then one of the failing caller's role, who must not be checked as the first.
    const anonymous = await listen(table, undefined, "anon");
    const failing = await listen(
      table,
      await accessTokenFor({ claims: { ...mallory.claims, tenant: "many" } }),
      "mallory",
    );
    const tenant = await listen(
      table,
      await accessTokenFor({ claims: { ...bob.claims, tenant: 2 } }),
      "bob",
    );

    await sql(`insert into public.${table} (tenant) values (0), (2), (1)`);
    await sql(`insert into public.${table} (tenant) values (2), (0)`);
    const tenants = async (inbox: Inbox) =>
      (await inbox.count(2)).map((m) => m.new.tenant as number);
    expect(await tenants(anonymous.inbox)).toEqual([0, 0]);
    expect(await tenants(tenant.inbox)).toEqual([2, 2]);
    const errors = await failing.system.until((items) => items.some((m) => m.status === "error"));
    expect(errors.find((m) => m.status === "error").message).toMatch(
      /^Row level security check on public\.rt_\w+ failed: invalid input syntax for type integer/,
    );
    expect(failing.inbox.items).toEqual([]);
  });

  it("checks every caller after those whose RLS check fails, however many fail and wherever", async () => {
    // realtime.visible_rows checks every caller in one subtransaction and starts a new one after a
    // failure: failures first, in a row and last must not cost the callers after them their rows.
    const table = await tenantTable();
    const tenantToken = async (tenant: number | string) =>
      accessTokenFor({ claims: { ...(await createUser()).claims, tenant } });
    // The check takes them grouped by role (anon first), in join order within a role: the
    // signed-in callers start with a failure, then two in a row, and end with one.
    const failing = [await listen(table, await tenantToken("first"), "fails-first")];
    const two = await listen(table, await tenantToken(2), "two");
    failing.push(await listen(table, await tenantToken("second"), "fails-second"));
    failing.push(await listen(table, await tenantToken("third"), "fails-third"));
    const anonymous = await listen(table, undefined, "anon");
    const one = await listen(table, await tenantToken(1), "one");
    failing.push(await listen(table, await tenantToken("last"), "fails-last"));

    await sql(`insert into public.${table} (tenant) values (0), (2), (1)`);
    await sql(`insert into public.${table} (tenant) values (1), (2), (0)`);
    const tenants = async (inbox: Inbox) =>
      (await inbox.count(2)).map((m) => m.new.tenant as number);
    expect(await tenants(two.inbox)).toEqual([2, 2]);
    expect(await tenants(anonymous.inbox)).toEqual([0, 0]);
    expect(await tenants(one.inbox)).toEqual([1, 1]);
    for (const { inbox, system } of failing) {
      const errors = await system.until((items) => items.some((m) => m.status === "error"));
      expect(errors.find((m) => m.status === "error").message).toMatch(
        /^Row level security check on public\.rt_\w+ failed: invalid input syntax for type integer/,
      );
      expect(inbox.items).toEqual([]);
    }
  });

  it("checks RLS on rows whose text primary key holds dollar quotes", async () => {
    // The check puts the rows' keys in the text of a dollar-quoted block (realtime.visible_rows).
    const table = await publishedTable(
      "id text primary key, owner uuid not null",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const user = await createUser();
    const inbox = new Inbox();
    const system = new Inbox();
    await joined(
      (await realtimeClient({ vsn, token: await accessTokenFor(user) }))
        .channel(`dollar-${table}`)
        .on("postgres_changes", { event: "INSERT", schema: "public", table }, inbox.push)
        .on("system", {}, system.push),
    );
    const ids = ["$loop$ x", "$$", "it's $do$", "plain"];
    await sql(
      `insert into public.${table} (id, owner) select id, $2 from unnest($1::text[]) as id`,
      [ids, user.id],
    );
    expect((await inbox.count(ids.length)).map((m) => m.new.id)).toEqual(ids);
    expect(system.items.filter((m) => m.status === "error")).toEqual([]);
  });

  it("tells a subscriber who may not SELECT the table, and sends it nothing", async () => {
    const table = await publishedTable("id int primary key");
    await sql(`revoke all on public.${table} from anon`);
    const system = new Inbox();
    const changes = new Inbox();
    const marker = new Inbox();
    const channel = (await realtimeClient({ vsn }))
      .channel(`denied-${table}`)
      .on("postgres_changes", { event: "*", schema: "public", table }, changes.push)
      .on("broadcast", { event: "marker" }, marker.push)
      .on("system", {}, system.push);
    await joined(channel);
    const [message] = await system.count(1);
    expect(message).toMatchObject({
      extension: "postgres_changes",
      status: "error",
      channel: `denied-${table}`,
    });
    expect(message.message).toMatch(/^Unauthorized: role "anon" may not SELECT/);

    await sql(`insert into public.${table} values (1)`);
    await sql(`select realtime.send('{}', 'marker', $1, false)`, [`denied-${table}`]);
    // The marker is committed after the insert and everything is delivered in commit order.
    await marker.count(1);
    expect(changes.items).toEqual([]);
  });

  it("refuses a table outside the supabase_realtime publication when the client waits for it", async () => {
    await sql("create table if not exists public.rt_unpublished (id int primary key)");
    const channel = (await realtimeClient({ vsn }))
      .channel("unpublished")
      .on(
        "postgres_changes",
        { event: "*", schema: "public", table: "rt_unpublished" },
        () => undefined,
      );
    channel.params.config.postgres_changes_options = { wait: true };
    const result = await subscribe(channel);
    expect(result.status).toBe("CHANNEL_ERROR");
    expect(result.error?.message).toMatch(/Unable to subscribe to changes with given parameters/);
  });

  it("follows a refreshed access token: the new user's rows arrive", async () => {
    const table = await publishedTable(
      "id bigint generated always as identity primary key, owner uuid not null",
      (t) => `alter table public.${t} enable row level security;
              create policy own_rows on public.${t} for select to authenticated using ((select auth.uid()) = owner);
              grant select on public.${t} to authenticated;`,
    );
    const [first, second] = await Promise.all([createUser(), createUser()]);
    const client = await realtimeClient({ vsn, token: await accessTokenFor(first) });
    const inbox = new Inbox();
    const channel = client.channel(`refresh-${table}`, { config: { broadcast: { ack: true } } });
    await joined(
      channel.on("postgres_changes", { event: "INSERT", schema: "public", table }, inbox.push),
    );
    await sql(`insert into public.${table} (owner) values ($1)`, [first.id]);
    await inbox.count(1);
    await client.realtime.setAuth(await accessTokenFor(second));
    // A socket's messages are handled in order: once this acknowledged push is answered, the
    // access_token message before it has been applied.
    expect(await channel.send({ type: "broadcast", event: "sync", payload: {} })).toBe("ok");
    await sql(`insert into public.${table} (owner) values ($1), ($2)`, [first.id, second.id]);
    const owners = (await inbox.count(2)).map((m) => m.new.owner);
    expect(owners).toEqual([first.id, second.id]);
  });
});
