import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createUser, sql, stack } from "../helpers/db.ts";
import { accessTokenFor } from "../helpers/supabase.ts";
import {
  Inbox,
  joined,
  publishedTable,
  realtimeClient,
  serializers,
  subscribe,
} from "./helpers.ts";

const topic = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

describe.each(serializers)("broadcast over vsn %s", (vsn) => {
  it("relays between clients, to the sender only with self, acknowledged with ack", async () => {
    const room = topic("room");
    const [alice, bob] = [new Inbox(), new Inbox()];
    const aliceChannel = (await realtimeClient({ vsn }))
      .channel(room, { config: { broadcast: { self: true, ack: true } } })
      .on("broadcast", { event: "*" }, alice.push);
    const bobChannel = (await realtimeClient({ vsn }))
      .channel(room, { config: { broadcast: { ack: true } } })
      .on("broadcast", { event: "*" }, bob.push);
    await joined(aliceChannel);
    await joined(bobChannel);

    expect(
      await bobChannel.send({ type: "broadcast", event: "typing", payload: { who: "bob" } }),
    ).toBe("ok");
    expect(
      await aliceChannel.send({ type: "broadcast", event: "typing", payload: { who: "alice" } }),
    ).toBe("ok");

    await alice.count(2);
    expect(alice.items).toEqual([
      { type: "broadcast", event: "typing", payload: { who: "bob" } },
      { type: "broadcast", event: "typing", payload: { who: "alice" } },
    ]);
    // Bob's own message was handled before Alice's (he had its ack), so it would have come first.
    expect(await bob.count(1)).toEqual([
      { type: "broadcast", event: "typing", payload: { who: "alice" } },
    ]);
  });

  it("delivers broadcasts sent over HTTP, one at a time and in batches", async () => {
    const room = topic("http");
    const inbox = new Inbox();
    const client = await realtimeClient({ vsn });
    const channel = client.channel(room).on("broadcast", { event: "note" }, inbox.push);
    await joined(channel);

    const sender = (await realtimeClient({ vsn })).channel(room);
    expect(await sender.httpSend("note", { n: 1 })).toEqual({ success: true });
    const response = await fetch(`${stack().apiUrl}/realtime/v1/api/broadcast`, {
      method: "POST",
      headers: { apikey: stack().anonKey, "content-type": "application/json" },
      body: JSON.stringify({
        messages: [
          { topic: room, event: "note", payload: { n: 2 } },
          { topic: room, event: "note", payload: { n: 3 } },
        ],
      }),
    });
    expect(response.status).toBe(202);
    expect((await inbox.count(3)).map((m) => m.payload.n)).toEqual([1, 2, 3]);
  });

  it("rejects a malformed HTTP batch and an unsigned caller", async () => {
    const url = `${stack().apiUrl}/realtime/v1/api/broadcast`;
    const malformed = await fetch(url, {
      method: "POST",
      headers: { apikey: stack().anonKey, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ topic: "x" }] }),
    });
    expect(malformed.status).toBe(422);
    expect(Object.keys((await malformed.json()).errors)).toContain("messages.0.event");
    const unsigned = await fetch(url, {
      method: "POST",
      headers: { apikey: "not-a-key", "content-type": "application/json" },
      body: "{}",
    });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ message: "Unauthorized" });
  });

  it("delivers realtime.send() from the database, with the message id", async () => {
    const room = topic("db");
    const inbox = new Inbox();
    await joined(
      (await realtimeClient({ vsn })).channel(room).on("broadcast", { event: "ping" }, inbox.push),
    );
    await sql(`select realtime.send('{"n": 1}', 'ping', $1, false)`, [room]);
    const [message] = await inbox.count(1);
    expect(message).toMatchObject({ type: "broadcast", event: "ping", payload: { n: 1 } });
    expect(message.meta.id).toBe(message.payload.id);
  });
});

describe("binary broadcast over vsn 2.0.0", () => {
  it("keeps bytes as bytes between clients", async () => {
    const room = topic("bytes");
    const inbox = new Inbox();
    await joined(
      (await realtimeClient()).channel(room).on("broadcast", { event: "blob" }, inbox.push),
    );
    const sender = (await realtimeClient()).channel(room, { config: { broadcast: { ack: true } } });
    await joined(sender);
    expect(
      await sender.send({
        type: "broadcast",
        event: "blob",
        payload: new Uint8Array([1, 2, 250]).buffer,
      }),
    ).toBe("ok");
    const [message] = await inbox.count(1);
    expect(message.payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(message.payload)]).toEqual([1, 2, 250]);
  });
});

describe("private channels (Realtime Authorization)", () => {
  async function privateRoom() {
    const room = topic("private");
    const [member, stranger] = await Promise.all([createUser(), createUser()]);
    await sql(`
      create policy "members read ${room}" on realtime.messages for select to authenticated
        using (realtime.topic() = '${room}' and (select auth.uid()) = '${member.id}');
      create policy "members send ${room}" on realtime.messages for insert to authenticated
        with check (realtime.topic() = '${room}' and (select auth.uid()) = '${member.id}');`);
    return { room, member, stranger };
  }

  it("lets in only those RLS on realtime.messages allows, and tells the others why", async () => {
    const { room, member, stranger } = await privateRoom();
    const allowed = (await realtimeClient({ token: await accessTokenFor(member) })).channel(room, {
      config: { private: true },
    });
    expect((await subscribe(allowed)).status).toBe("SUBSCRIBED");
    const refused = await subscribe(
      (await realtimeClient({ token: await accessTokenFor(stranger) })).channel(room, {
        config: { private: true },
      }),
    );
    expect(refused.status).toBe("CHANNEL_ERROR");
    expect(refused.error?.message).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${room}`,
    );
  });

  it("delivers realtime.broadcast_changes() from a trigger to authorized members only", async () => {
    const { room, member } = await privateRoom();
    const table = await publishedTable(
      "id int primary key, body text",
      (
        t,
      ) => `create function public.${t}_broadcast() returns trigger language plpgsql security definer set search_path = '' as $$
                begin
                  perform realtime.broadcast_changes('${room}', tg_op, tg_op, tg_table_name, tg_table_schema, new, old);
                  return null;
                end $$;
              create trigger ${t}_broadcast after insert or update or delete on public.${t} for each row execute function public.${t}_broadcast();`,
    );
    const inbox = new Inbox();
    await joined(
      (await realtimeClient({ token: await accessTokenFor(member) }))
        .channel(room, { config: { private: true } })
        .on("broadcast", { event: "*" }, inbox.push),
    );
    const publicInbox = new Inbox();
    await joined(
      (await realtimeClient()).channel(room).on("broadcast", { event: "*" }, publicInbox.push),
    );

    await sql(`insert into public.${table} values (1, 'hello')`);
    await sql(`update public.${table} set body = 'changed'`);
    await sql(`select realtime.send('{}', 'marker', $1, false)`, [room]);
    const [insert, update] = await inbox.count(2);
    expect(insert).toMatchObject({
      event: "INSERT",
      payload: {
        operation: "INSERT",
        table,
        schema: "public",
        record: { id: 1, body: "hello" },
        old_record: null,
      },
    });
    expect(update).toMatchObject({
      event: "UPDATE",
      payload: { record: { body: "changed" }, old_record: { body: "hello" } },
    });
    // The public channel of the same name hears only the public marker, sent last.
    expect((await publicInbox.count(1)).map((m) => m.event)).toEqual(["marker"]);
  });

  it("refuses a member's send that the INSERT policy does not allow", async () => {
    const { room, member } = await privateRoom();
    await sql(`drop policy "members send ${room}" on realtime.messages`);
    const channel = (await realtimeClient({ token: await accessTokenFor(member) })).channel(room, {
      config: { private: true, broadcast: { ack: true } },
    });
    await joined(channel);
    expect(await channel.send({ type: "broadcast", event: "x", payload: {} })).toBe("error");
  });
});
