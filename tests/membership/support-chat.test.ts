// Support chat (sql/0033): threads between a member and an organization's staff, assignment and
// reassignment, messages and the seed's `since` paging, read markers and unread counts, the
// new_message notification, attachments through signed upload URLs, and the live side through
// supabase-js — postgres_changes delivered only to participants (MESSAGE), typing on the private
// channel chat:<thread id> refused to outsiders (TYPING), presence.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { ok, signedInClient } from "../helpers/auth.ts";
import { createUser, sql, type TestUser } from "../helpers/db.ts";
import { accessTokenFor } from "../helpers/supabase.ts";
import { Inbox, joined, realtimeClient, subscribe } from "../realtime/helpers.ts";
import { addVehicle } from "../service/helpers.ts";

interface Person {
  user: TestUser;
  client: SupabaseClient;
}
interface Thread {
  id: string;
  assigned_to: string | null;
  last_message_at: string | null;
}
interface ThreadSummary {
  id: string;
  unread_count: number;
  last_message: string | null;
}

const w = {} as {
  member: Person;
  staff: Person;
  colleague: Person;
  outsider: Person;
  organization: string;
};

async function personIn(name: string): Promise<Person> {
  const user = await createUser({ name: `Chat ${name}` });
  return { user, client: await signedInClient(user) };
}

async function openThread(body = "My car makes a noise"): Promise<Thread> {
  return ok(
    await w.member.client
      .rpc("start_chat_thread", {
        p_subject: "Noise",
        p_organization_id: w.organization,
        p_body: body,
      })
      .single<Thread>(),
  );
}

const summary = async (client: SupabaseClient, threadId: string) =>
  (ok(await client.rpc("my_chat_threads")) as ThreadSummary[]).find((t) => t.id === threadId);

const send = (client: SupabaseClient, threadId: string, body: string, attachments: string[] = []) =>
  client.from("chat_messages").insert({ thread_id: threadId, body, attachments }).select().single();

beforeAll(async () => {
  [w.member, w.staff, w.colleague, w.outsider] = (await Promise.all(
    ["member", "staff", "colleague", "outsider"].map(personIn),
  )) as [Person, Person, Person, Person];
  const founder = await createUser({ name: "Chat garage founder" });
  const [organization] = await sql<{ id: string }>(
    `insert into public.organizations (slug, display_name, created_by) values ($1, 'Chat Garage', $2) returning id`,
    [`chat-garage-${randomUUID().slice(0, 8)}`, founder.id],
  );
  w.organization = organization!.id;
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($1, $3, 'staff')`,
    [w.organization, w.staff.user.id, w.colleague.user.id],
  );
});

describe("threads, assignment and messages", () => {
  it("staff see the queue, read messages only once assigned, and lose them when reassigned", async () => {
    const thread = await openThread();
    expect(await summary(w.member.client, thread.id)).toMatchObject({
      unread_count: 0,
      last_message: "My car makes a noise",
    });

    // In the organization's queue, but the messages are the participants'.
    expect(
      ok(await w.staff.client.from("chat_threads").select("id").eq("id", thread.id)),
    ).toHaveLength(1);
    expect(
      ok(await w.staff.client.from("chat_messages").select("id").eq("thread_id", thread.id)),
    ).toEqual([]);
    expect(await send(w.staff.client, thread.id, "Hello?")).toMatchObject({ status: 403 });

    const assigned = ok(
      await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }).single<Thread>(),
    );
    expect(assigned.assigned_to).toBe(w.staff.user.id);
    expect(await summary(w.staff.client, thread.id)).toMatchObject({ unread_count: 1 });
    ok(await send(w.staff.client, thread.id, "Which noise?"));
    expect(await summary(w.member.client, thread.id)).toMatchObject({
      unread_count: 1,
      last_message: "Which noise?",
    });
    ok(await w.member.client.rpc("mark_chat_read", { p_thread_id: thread.id }));
    expect(await summary(w.member.client, thread.id)).toMatchObject({ unread_count: 0 });

    // Reassigned to a colleague: the colleague joins, the first staff member leaves.
    ok(
      await w.staff.client.rpc("assign_chat_thread", {
        p_thread_id: thread.id,
        p_staff_id: w.colleague.user.id,
      }),
    );
    expect(
      ok(
        await w.colleague.client
          .from("chat_messages")
          .select("body")
          .eq("thread_id", thread.id)
          .order("created_at"),
      ),
    ).toEqual([{ body: "My car makes a noise" }, { body: "Which noise?" }]);
    expect(
      ok(await w.staff.client.from("chat_messages").select("id").eq("thread_id", thread.id)),
    ).toEqual([]);
    const participants = ok(
      await w.member.client
        .from("chat_participants")
        .select("user_id, role")
        .eq("thread_id", thread.id),
    );
    expect(new Set(participants.map((p) => `${p.role}:${p.user_id}`))).toEqual(
      new Set([`member:${w.member.user.id}`, `staff:${w.colleague.user.id}`]),
    );
  });

  it("platform support threads are answered by platform admins, not by an organization's staff", async () => {
    const supportUser = await createUser({ name: "Chat platform support" });
    await sql(`insert into public.platform_admins (user_id) values ($1)`, [supportUser.id]);
    const support = await signedInClient(supportUser);
    const thread = ok(
      await w.member.client
        .rpc("start_chat_thread", {
          p_subject: "Billing question",
          p_body: "Why was I charged twice?",
        })
        .single<Thread & { organization_id: string | null }>(),
    );
    expect(thread.organization_id).toBeNull();
    expect(
      await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }),
    ).toMatchObject({ status: 404 });
    expect(ok(await w.staff.client.from("chat_threads").select("id").eq("id", thread.id))).toEqual(
      [],
    );
    expect(
      await support.rpc("assign_chat_thread", {
        p_thread_id: thread.id,
        p_staff_id: w.staff.user.id,
      }),
    ).toMatchObject({ status: 400 });
    ok(await support.rpc("assign_chat_thread", { p_thread_id: thread.id }));
    expect(
      ok(await support.from("chat_messages").select("body").eq("thread_id", thread.id)),
    ).toEqual([{ body: "Why was I charged twice?" }]);
  });

  it("platform support staff answer platform conversations and see the vehicles of the member they serve, while they serve", async () => {
    const adminUser = await createUser({ name: "Chat platform admin" });
    await sql(`insert into public.platform_admins (user_id) values ($1)`, [adminUser.id]);
    const admin = await signedInClient(adminUser);
    const agent = await personIn("support agent");
    // Nobody makes themselves support staff; a platform admin does.
    expect(
      await agent.client.from("platform_support_staff").insert({ user_id: agent.user.id }),
    ).toMatchObject({ status: 403 });
    ok(await admin.from("platform_support_staff").insert({ user_id: agent.user.id }));
    expect(
      ok(await agent.client.from("platform_support_staff").select("user_id, added_by")),
    ).toEqual([{ user_id: agent.user.id, added_by: adminUser.id }]);

    const car = await addVehicle(w.member.client);
    const vehicle = async () =>
      ok(await agent.client.from("vehicles").select("id").eq("id", car.id)).length;
    const platformThread = ok(
      await w.member.client
        .rpc("start_chat_thread", {
          p_subject: "My dongle stopped",
          p_body: "No data since Monday",
        })
        .single<Thread>(),
    );
    // The queue of platform conversations, but not an organization's.
    expect(
      ok(await agent.client.from("chat_threads").select("id").eq("id", platformThread.id)),
    ).toHaveLength(1);
    const orgThread = await openThread();
    expect(ok(await agent.client.from("chat_threads").select("id").eq("id", orgThread.id))).toEqual(
      [],
    );
    expect(
      await agent.client.rpc("assign_chat_thread", { p_thread_id: orgThread.id }),
    ).toMatchObject({ status: 404 });
    expect(await vehicle()).toBe(0);

    // Assigned, the agent reads the conversation and the member's vehicle.
    ok(await agent.client.rpc("assign_chat_thread", { p_thread_id: platformThread.id }));
    expect(
      ok(
        await agent.client.from("chat_messages").select("body").eq("thread_id", platformThread.id),
      ),
    ).toEqual([{ body: "No data since Monday" }]);
    expect(await vehicle()).toBe(1);
    // Handed to an admin, the vehicle is out of the agent's sight again; back, and closed, too.
    ok(
      await agent.client.rpc("assign_chat_thread", {
        p_thread_id: platformThread.id,
        p_staff_id: adminUser.id,
      }),
    );
    expect(await vehicle()).toBe(0);
    ok(
      await admin.rpc("assign_chat_thread", {
        p_thread_id: platformThread.id,
        p_staff_id: agent.user.id,
      }),
    );
    expect(await vehicle()).toBe(1);
    ok(await w.member.client.rpc("close_chat_thread", { p_thread_id: platformThread.id }));
    expect(await vehicle()).toBe(0);

    // Removed from support, the agent no longer sees the platform queue.
    const later = ok(
      await w.member.client
        .rpc("start_chat_thread", { p_subject: "Another question" })
        .single<Thread>(),
    );
    ok(await admin.from("platform_support_staff").delete().eq("user_id", agent.user.id));
    expect(ok(await agent.client.from("chat_threads").select("id").eq("id", later.id))).toEqual([]);
    expect(await agent.client.rpc("assign_chat_thread", { p_thread_id: later.id })).toMatchObject({
      status: 404,
    });
  });

  it("pages with since, and keeps outsiders out", async () => {
    const thread = await openThread("first");
    const [first] = ok(
      await w.member.client.from("chat_messages").select("created_at").eq("thread_id", thread.id),
    );
    ok(await send(w.member.client, thread.id, "second"));
    ok(await send(w.member.client, thread.id, "third"));
    const since = ok(
      await w.member.client
        .from("chat_messages")
        .select("body")
        .eq("thread_id", thread.id)
        .gt("created_at", first!.created_at)
        .order("created_at"),
    );
    expect(since).toEqual([{ body: "second" }, { body: "third" }]);

    expect(
      ok(await w.outsider.client.from("chat_messages").select("id").eq("thread_id", thread.id)),
    ).toEqual([]);
    expect(
      ok(await w.outsider.client.from("chat_threads").select("id").eq("id", thread.id)),
    ).toEqual([]);
    expect(await send(w.outsider.client, thread.id, "let me in")).toMatchObject({ status: 403 });
    expect(
      await w.outsider.client
        .from("chat_messages")
        .insert({ thread_id: thread.id, sender_id: w.member.user.id, body: "forged" }),
    ).toMatchObject({ status: 403 });
  });

  it("refuses bad calls and changes nothing", async () => {
    const thread = await openThread();
    const rpc = (client: SupabaseClient, fn: string, args: Record<string, unknown>) =>
      client.rpc(fn, args);
    expect(await rpc(w.member.client, "start_chat_thread", { p_subject: " " })).toMatchObject({
      status: 400,
    });
    expect(
      await rpc(w.member.client, "start_chat_thread", {
        p_subject: "x",
        p_organization_id: randomUUID(),
      }),
    ).toMatchObject({ status: 404 });
    expect(
      await rpc(w.member.client, "assign_chat_thread", { p_thread_id: thread.id }),
    ).toMatchObject({ status: 403 });
    expect(
      await rpc(w.outsider.client, "assign_chat_thread", { p_thread_id: thread.id }),
    ).toMatchObject({ status: 404 });
    expect(
      await rpc(w.staff.client, "assign_chat_thread", {
        p_thread_id: thread.id,
        p_staff_id: w.outsider.user.id,
      }),
    ).toMatchObject({ status: 400 });
    expect(
      await rpc(w.outsider.client, "mark_chat_read", { p_thread_id: thread.id }),
    ).toMatchObject({ status: 404 });
    expect(await send(w.member.client, thread.id, "   ")).toMatchObject({ status: 400 });
    expect(
      await send(w.member.client, thread.id, "see file", [`${randomUUID()}/x.png`]),
    ).toMatchObject({ status: 400 });
    // Closed, it takes no more messages.
    ok(await rpc(w.member.client, "close_chat_thread", { p_thread_id: thread.id }));
    expect(
      await rpc(w.member.client, "close_chat_thread", { p_thread_id: thread.id }),
    ).toMatchObject({ status: 409 });
    expect(
      await rpc(w.outsider.client, "close_chat_thread", { p_thread_id: thread.id }),
    ).toMatchObject({ status: 404 });
    expect(await send(w.member.client, thread.id, "one more thing")).toMatchObject({
      status: 409,
      error: { code: "PT409" },
    });
    const [row] = await sql(
      `select assigned_to, (select count(*)::integer from public.chat_messages where thread_id = $1) as messages from public.chat_threads where id = $1`,
      [thread.id],
    );
    expect(row).toEqual({ assigned_to: null, messages: 1 });
  });

  it("the sender edits a message for a while and deletes it; the others see it edited, then deleted", async () => {
    const thread = await openThread();
    ok(await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }));
    const sent = ok(await send(w.member.client, thread.id, "Noise at 50 km/h"));
    // Live: the staff member's socket gets each change as an UPDATE.
    const updates = new Inbox();
    await joined(
      (await realtimeClient({ token: await accessTokenFor(w.staff.user) }))
        .channel(`edits-${randomUUID()}`)
        .on(
          "postgres_changes",
          {
            event: "UPDATE",
            schema: "public",
            table: "chat_messages",
            filter: `thread_id=eq.${thread.id}`,
          },
          updates.push,
        ),
    );

    const edited = ok(
      await w.member.client
        .rpc("edit_chat_message", { p_message_id: sent.id, p_body: "Noise at 80 km/h" })
        .single<{ body: string; edited_at: string | null }>(),
    );
    expect(edited.body).toBe("Noise at 80 km/h");
    expect(edited.edited_at).not.toBeNull();
    expect((await updates.count(1))[0].new).toMatchObject({
      id: sent.id,
      body: "Noise at 80 km/h",
    });

    // Only the sender edits; outsiders learn nothing; the text keeps the insert's rules.
    const attempt = (client: SupabaseClient, body = "changed") =>
      client.rpc("edit_chat_message", { p_message_id: sent.id, p_body: body });
    expect(await attempt(w.staff.client)).toMatchObject({ status: 403 });
    expect(await attempt(w.outsider.client)).toMatchObject({ status: 404 });
    expect(await attempt(w.member.client, " ")).toMatchObject({ status: 400 });
    expect(await attempt(w.member.client, "x".repeat(4001))).toMatchObject({ status: 400 });
    expect(
      await w.staff.client.rpc("delete_chat_message", { p_message_id: sent.id }),
    ).toMatchObject({ status: 403 });
    expect(
      await w.outsider.client.rpc("delete_chat_message", { p_message_id: sent.id }),
    ).toMatchObject({ status: 404 });
    // edited_at and deleted_at are the database's: a sender cannot insert them.
    expect(
      await w.member.client
        .from("chat_messages")
        .insert({ thread_id: thread.id, body: "forged", deleted_at: new Date().toISOString() }),
    ).toMatchObject({ status: 403 });

    const deleted = ok(
      await w.member.client
        .rpc("delete_chat_message", { p_message_id: sent.id })
        .single<{ body: string; deleted_at: string | null }>(),
    );
    expect(deleted).toMatchObject({ body: "" });
    expect(deleted.deleted_at).not.toBeNull();
    expect((await updates.count(2))[1].new).toMatchObject({
      id: sent.id,
      body: "",
      attachments: [],
    });
    expect(
      ok(
        await w.staff.client
          .from("chat_messages")
          .select("body, attachments, deleted_at")
          .eq("id", sent.id)
          .single<{ body: string; attachments: string[]; deleted_at: string | null }>(),
      ),
    ).toMatchObject({ body: "", attachments: [], deleted_at: deleted.deleted_at });
    // Deleting again changes nothing; a deleted message is not edited back.
    ok(await w.member.client.rpc("delete_chat_message", { p_message_id: sent.id }));
    expect(await attempt(w.member.client)).toMatchObject({ status: 409 });

    // Past the edit window (the message's send time moved back), no more edits.
    const late = ok(await send(w.member.client, thread.id, "Also a rattle"));
    await sql(
      `update public.chat_messages set created_at = now() - interval '16 minutes' where id = $1`,
      [late.id],
    );
    expect(
      await w.member.client.rpc("edit_chat_message", { p_message_id: late.id, p_body: "no" }),
    ).toMatchObject({ status: 409 });
    const [row] = await sql(`select body, edited_at from public.chat_messages where id = $1`, [
      late.id,
    ]);
    expect(row).toEqual({ body: "Also a rattle", edited_at: null });
  });

  it("notifies a participant who is not reading the thread, once until they read it", async () => {
    const thread = await openThread();
    ok(await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }));
    const notifications = () =>
      sql(
        `select title from public.notifications where user_id = $1 and type = 'new_message' and subject_id = $2`,
        [w.member.user.id, thread.id],
      );
    ok(await send(w.staff.client, thread.id, "Are you there?"));
    expect(await notifications()).toEqual([]); // the member just wrote: reading the thread

    await sql(
      `update public.chat_participants set last_read_at = now() - interval '10 minutes' where thread_id = $1 and user_id = $2`,
      [thread.id, w.member.user.id],
    );
    ok(await send(w.staff.client, thread.id, "Your car is ready"));
    ok(await send(w.staff.client, thread.id, "We close at 5"));
    expect(await notifications()).toEqual([{ title: "New message from Chat staff" }]);
    ok(await w.member.client.rpc("mark_chat_read", { p_thread_id: thread.id }));
    const [read] = await sql(
      `select read_at from public.notifications where user_id = $1 and subject_id = $2`,
      [w.member.user.id, thread.id],
    );
    expect(read!.read_at).not.toBeNull();
  });

  it("attachments upload with signed upload URLs into the thread's folder, for participants only", async () => {
    const thread = await openThread();
    const path = `${thread.id}/photo.png`;
    const signed = ok(
      await w.member.client.storage.from("chat-attachments").createSignedUploadUrl(path),
    );
    ok(
      await w.member.client.storage
        .from("chat-attachments")
        .uploadToSignedUrl(
          path,
          signed.token,
          new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }),
        ),
    );
    ok(await send(w.member.client, thread.id, "", [path]));

    const refused = await w.outsider.client.storage
      .from("chat-attachments")
      .createSignedUploadUrl(`${thread.id}/intruder.png`);
    expect(refused.error).not.toBeNull();
    const download = await w.outsider.client.storage.from("chat-attachments").download(path);
    expect(download.error).not.toBeNull();
    ok(await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }));
    const file = ok(await w.staff.client.storage.from("chat-attachments").download(path));
    expect(file.size).toBe(4);
  });
});

describe("live chat through supabase-js", () => {
  it("delivers new messages (MESSAGE) only to participants through postgres_changes", async () => {
    const thread = await openThread();
    ok(await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }));
    const listen = async (user: TestUser) => {
      const inbox = new Inbox();
      await joined(
        (await realtimeClient({ token: await accessTokenFor(user) }))
          .channel(`messages-${randomUUID()}`)
          .on(
            "postgres_changes",
            {
              event: "INSERT",
              schema: "public",
              table: "chat_messages",
              filter: `thread_id=eq.${thread.id}`,
            },
            inbox.push,
          ),
      );
      return inbox;
    };
    const [memberInbox, outsiderInbox] = [
      await listen(w.member.user),
      await listen(w.outsider.user),
    ];
    const sent = ok(await send(w.staff.client, thread.id, "Live hello"));
    const [change] = await memberInbox.count(1);
    expect(change.new).toMatchObject({
      id: sent.id,
      body: "Live hello",
      sender_id: w.staff.user.id,
    });
    // A marker to the outsider's own thread proves its socket is served, and it got nothing else.
    const ownThread = ok(
      await w.outsider.client
        .rpc("start_chat_thread", { p_subject: "Mine", p_organization_id: w.organization })
        .single<Thread>(),
    );
    const marker = new Inbox();
    await joined(
      (await realtimeClient({ token: await accessTokenFor(w.outsider.user) }))
        .channel(`marker-${randomUUID()}`)
        .on(
          "postgres_changes",
          {
            event: "INSERT",
            schema: "public",
            table: "chat_messages",
            filter: `thread_id=eq.${ownThread.id}`,
          },
          marker.push,
        ),
    );
    ok(await send(w.outsider.client, ownThread.id, "marker"));
    await marker.count(1);
    expect(outsiderInbox.items).toEqual([]);
  });

  it("typing (TYPING) on the private channel reaches participants and is refused to outsiders; presence shows who is online", async () => {
    const thread = await openThread();
    ok(await w.staff.client.rpc("assign_chat_thread", { p_thread_id: thread.id }));
    const topic = `chat:${thread.id}`;
    const typing = new Inbox();
    const memberChannel = (await realtimeClient({ token: await accessTokenFor(w.member.user) }))
      .channel(topic, { config: { private: true, presence: { key: w.member.user.id } } })
      .on("broadcast", { event: "typing" }, typing.push);
    await joined(memberChannel);
    expect(await memberChannel.track({ online_at: "now" })).toBe("ok");

    const presence = new Inbox<{ key: string }>();
    const staffChannel = (await realtimeClient({ token: await accessTokenFor(w.staff.user) }))
      .channel(topic, {
        config: { private: true, broadcast: { ack: true }, presence: { key: w.staff.user.id } },
      })
      .on("presence", { event: "join" }, ({ key }) => presence.push({ key }));
    await joined(staffChannel);
    await presence.until(
      (items) => items.some((item) => item.key === w.member.user.id),
      "the member's presence",
    );
    expect(
      await staffChannel.send({
        type: "broadcast",
        event: "typing",
        payload: { user: w.staff.user.id, threadId: thread.id },
      }),
    ).toBe("ok");
    const [frame] = await typing.count(1);
    expect(frame.payload).toEqual({ user: w.staff.user.id, threadId: thread.id });

    const refused = await subscribe(
      (await realtimeClient({ token: await accessTokenFor(w.outsider.user) })).channel(topic, {
        config: { private: true },
      }),
    );
    expect(refused.status).toBe("CHANNEL_ERROR");
    // The staff member reassigned away loses the channel too.
    ok(
      await w.staff.client.rpc("assign_chat_thread", {
        p_thread_id: thread.id,
        p_staff_id: w.colleague.user.id,
      }),
    );
    const former = await subscribe(
      (await realtimeClient({ token: await accessTokenFor(w.staff.user) })).channel(topic, {
        config: { private: true },
      }),
    );
    expect(former.status).toBe("CHANNEL_ERROR");
  });
});
