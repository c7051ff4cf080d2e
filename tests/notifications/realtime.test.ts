// Notifications reach the recipient's app live through postgres_changes, and nobody else's: two
// signed-in subscribers to the same table, supabase-js with `ws` as the transport.

import { expect, it } from "vitest";
import { createUser, sql } from "../helpers/db.ts";
import { accessTokenFor } from "../helpers/supabase.ts";
import { Inbox, joined, realtimeClient } from "../realtime/helpers.ts";

it("a new notification is delivered to its recipient only, and marking it read reaches them too", async () => {
  const alice = await createUser({ full_name: "Alice" });
  const bob = await createUser({ full_name: "Bob" });
  const inboxes = { alice: new Inbox(), bob: new Inbox() };
  for (const [name, user] of [
    ["alice", alice],
    ["bob", bob],
  ] as const) {
    const client = await realtimeClient({ token: await accessTokenFor(user) });
    await joined(
      client
        .channel(`notifications-${name}`)
        .on(
          "postgres_changes",
          { event: "*", schema: "public", table: "notifications" },
          inboxes[name].push,
        ),
    );
  }

  await sql("select private.notify('price_alert', $1::uuid[], 'For Alice', null, '{}'::jsonb)", [
    [alice.id],
  ]);
  await sql("select private.notify('price_alert', $1::uuid[], 'For Bob', null, '{}'::jsonb)", [
    [bob.id],
  ]);
  const [forAlice] = await inboxes.alice.count(1, "Alice's notification");
  await inboxes.bob.count(1, "Bob's notification");
  expect(forAlice).toMatchObject({
    eventType: "INSERT",
    new: { user_id: alice.id, title: "For Alice", type: "price_alert", read_at: null },
  });

  await sql("update public.notifications set read_at = now() where id = $1", [forAlice.new.id]);
  const [, update] = await inboxes.alice.count(2, "Alice's read mark");
  expect(update).toMatchObject({ eventType: "UPDATE", new: { id: forAlice.new.id } });
  expect(update.new.read_at).not.toBeNull();

  // A last one for Alice: by the time it arrives, Bob's would have too. He only ever saw his own.
  await sql(
    "select private.notify('price_alert', $1::uuid[], 'Again for Alice', null, '{}'::jsonb)",
    [[alice.id]],
  );
  await inboxes.alice.count(3, "Alice's second notification");
  expect(inboxes.bob.items.map((change) => change.new.title)).toEqual(["For Bob"]);
});
