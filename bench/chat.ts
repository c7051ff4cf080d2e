/**
 * Support chat: a message's latency from its INSERT into chat_messages (commit) to its delivery on
 * the subscribed participant's socket through postgres_changes (RLS-checked per subscriber), with
 * 100 threads live at once — beside a broadcast of the same payload on the thread's private channel
 * `chat:<thread id>` (authorized by realtime.messages policies at join) in the same run, timed from
 * the send to the same socket.
 *
 * Each of the 100 threads has its own member, signed in on a socket of their own with both
 * channels joined; one staff member answers all of them (a participant of every thread). Messages
 * go round the threads at a steady pace (40 a second), so the figures are latency, not a backlog.
 */
import { randomUUID } from "node:crypto";
import { rm } from "node:fs/promises";
import { RealtimeClient, type RealtimeChannel } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import pg from "pg";
import WebSocket from "ws";
import { Db } from "../tests/helpers/db.ts";
import { spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { row, type BenchRow } from "./rows.ts";

const threads = 100;
const messages = 300;
const everyMs = 25;
const deadlineMs = 20_000;
const body = "a chat message of a typical length, some sixty characters...";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function token(stack: SpawnedStack, claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(stack.jwtSecret));
}

async function client(stack: SpawnedStack, accessToken: string): Promise<RealtimeClient> {
  const realtime = new RealtimeClient(`${stack.apiUrl.replace(/^http/, "ws")}/realtime/v1`, {
    params: { apikey: stack.anonKey },
    transport: WebSocket as never,
  });
  await realtime.setAuth(accessToken);
  return realtime;
}

function joined(channel: RealtimeChannel): Promise<RealtimeChannel> {
  return new Promise((resolve, reject) =>
    channel.subscribe((status, error) =>
      status === "SUBSCRIBED"
        ? resolve(channel)
        : reject(new Error(`${channel.topic}: ${status} ${error?.message ?? ""}`)),
    ),
  );
}

/** Waits until `count()` reaches `expected`, or fails: nothing may be lost. */
async function allArrived(count: () => number, expected: number, what: string): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (count() < expected) {
    if (performance.now() > deadline)
      throw new Error(`${what}: ${count()} of ${expected} arrived within ${deadlineMs} ms`);
    await sleep(10);
  }
}

export async function benchChat(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  const db = new Db(stack.dbUrl);
  const writer = new pg.Client({ connectionString: stack.dbUrl });
  const sockets: RealtimeClient[] = [];
  try {
    await writer.connect();
    const founder = await db.createUser({ full_name: "Bench founder" });
    const staff = await db.createUser({ full_name: "Bench support" });
    const [organization] = await db.sql<{ id: string }>(
      `insert into public.organizations (slug, display_name, created_by) values ($1, 'Bench Garage', $2) returning id`,
      [`bench-${randomUUID().slice(0, 8)}`, founder.id],
    );
    await db.sql(
      `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff')`,
      [organization!.id, staff.id],
    );

    const changeAt = new Map<string, number>();
    const broadcastAt = new Map<string, number>();
    const threadIds: string[] = [];
    for (let i = 0; i < threads; i++) {
      const member = await db.createUser({ full_name: `Bench member ${i}` });
      const [thread] = await db.sql<{ id: string }>(
        `insert into public.chat_threads (member_id, organization_id, subject, assigned_to) values ($1, $2, 'Bench', $3) returning id`,
        [member.id, organization!.id, staff.id],
      );
      await db.sql(
        `insert into public.chat_participants (thread_id, user_id, role) values ($1, $2, 'member'), ($1, $3, 'staff')`,
        [thread!.id, member.id, staff.id],
      );
      threadIds.push(thread!.id);
      const socket = await client(stack, await token(stack, member.claims));
      sockets.push(socket);
      await joined(
        socket.channel(`messages-${thread!.id}`).on(
          "postgres_changes",
          {
            event: "INSERT",
            schema: "public",
            table: "chat_messages",
            filter: `thread_id=eq.${thread!.id}`,
          },
          (payload) => changeAt.set(payload.new.id as string, performance.now()),
        ),
      );
      await joined(
        socket
          .channel(`chat:${thread!.id}`, { config: { private: true } })
          .on("broadcast", { event: "message" }, ({ payload }) =>
            broadcastAt.set(payload.id as string, performance.now()),
          ),
      );
    }
    const staffSocket = await client(stack, await token(stack, staff.claims));
    sockets.push(staffSocket);
    const staffChannels: RealtimeChannel[] = [];
    for (const id of threadIds)
      staffChannels.push(
        await joined(staffSocket.channel(`chat:${id}`, { config: { private: true } })),
      );

    // postgres_changes: the INSERT's commit to the member's callback.
    const committedAt = new Map<string, number>();
    let started = performance.now();
    for (let n = 0; n < messages; n++) {
      const due = started + n * everyMs - performance.now();
      if (due > 0) await sleep(due);
      const { rows } = await writer.query<{ id: string }>(
        `insert into public.chat_messages (thread_id, sender_id, body) values ($1, $2, $3) returning id`,
        [threadIds[n % threads], staff.id, body],
      );
      committedAt.set(rows[0]!.id, performance.now());
    }
    await allArrived(() => changeAt.size, messages, "postgres_changes");

    // Broadcast: the same payload sent on the thread's private channel, to the same socket.
    const sentAt = new Map<string, number>();
    started = performance.now();
    for (let n = 0; n < messages; n++) {
      const due = started + n * everyMs - performance.now();
      if (due > 0) await sleep(due);
      const id = randomUUID();
      sentAt.set(id, performance.now());
      void staffChannels[n % threads]!.send({
        type: "broadcast",
        event: "message",
        payload: { id, thread_id: threadIds[n % threads], sender_id: staff.id, body },
      });
    }
    await allArrived(() => broadcastAt.size, messages, "broadcast");

    const changes = [...changeAt]
      .map(([id, at]) => at - committedAt.get(id)!)
      .sort((a, b) => a - b);
    const broadcasts = [...broadcastAt]
      .map(([id, at]) => at - sentAt.get(id)!)
      .sort((a, b) => a - b);
    return [50, 95].map((p) =>
      row(
        `chat message insert → participant's socket, ${threads} threads (p${p})`,
        percentile(changes, p),
        `broadcast of the same payload (p${p})`,
        percentile(broadcasts, p),
        "ms",
      ),
    );
  } finally {
    await Promise.all(sockets.map((socket) => socket.disconnect()));
    await writer.end().catch(() => undefined);
    await db.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
