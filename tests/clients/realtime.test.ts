// The SDK's realtime helpers (issue 21, item 2): notifications, a chat thread's messages, typing
// and presence, a registration's status, an event's check-ins; each says when it is live, and
// keeps receiving through a token refresh and a dropped socket.
import { randomUUID } from "node:crypto";
import { createPitlaneClient, type Live, type PitlaneClient } from "@pitlane/sdk";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createUser, sql, stack, type TestUser } from "../helpers/db.ts";

/** Every socket a client opens, so a test can drop one as a network failure would. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets.push(this);
  }
}

const clients: PitlaneClient[] = [];
const subscriptions: Live[] = [];
afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((live) => live.close()));
  await Promise.all(clients.splice(0).map((client) => client.removeAllChannels()));
});

async function signedIn(user: Pick<TestUser, "email" | "password">): Promise<PitlaneClient> {
  const client = createPitlaneClient(stack().apiUrl, stack().anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: TrackedWebSocket as never, reconnectAfterMs: () => 200 },
  });
  const { error } = await client.auth.signInWithPassword(user);
  if (error) throw error;
  clients.push(client);
  return client;
}

/** Values pushed by a callback, and a way to wait for the next one that matches. */
function inbox<T>() {
  const seen: T[] = [];
  const waiting: { match: (value: T) => boolean; resolve: (value: T) => void }[] = [];
  return {
    seen,
    push(value: T) {
      seen.push(value);
      for (const waiter of waiting.splice(0))
        if (waiter.match(value)) waiter.resolve(value);
        else waiting.push(waiter);
    },
    next(match: (value: T) => boolean = () => true): Promise<T> {
      const found = seen.find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiting.push({ match, resolve }));
    },
  };
}

const notify = (userId: string, title: string) =>
  sql(
    `insert into public.notifications (user_id, type, title) values ($1, 'system_announcement', $2)`,
    [userId, title],
  );

let organization: string;
let staffUser: TestUser;

beforeAll(async () => {
  staffUser = await createUser({ full_name: "Live Staff" });
  const founder = await createUser({ full_name: "Live Founder" });
  const [row] = await sql<{ id: string }>(
    `insert into public.organizations (slug, display_name, created_by) values ($1, 'Live Garage', $2) returning id`,
    [`live-${randomUUID().slice(0, 8)}`, founder.id],
  );
  organization = row!.id;
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff')`,
    [organization, staffUser.id],
  );
});

describe("live notifications", () => {
  it("arrive, and keep arriving through a token refresh and a dropped socket", async () => {
    const user = await createUser({ full_name: "Live Member" });
    const client = await signedIn(user);
    const arrived = inbox<string>();
    const statuses: boolean[] = [];
    const live = client.live.notifications((notification) => arrived.push(notification.title));
    subscriptions.push(live);
    live.onStatus((now) => statuses.push(now));
    await live.ready();
    expect(live.live).toBe(true);

    await notify(user.id, "first");
    await arrived.next((title) => title === "first");

    const { error } = await client.auth.refreshSession();
    expect(error).toBeNull();
    await notify(user.id, "after the refresh");
    await arrived.next((title) => title === "after the refresh");

    sockets.at(-1)!.terminate();
    await new Promise<void>((resolve) => {
      const stop = live.onStatus((now) => {
        if (!now) {
          stop();
          resolve();
        }
      });
    });
    await live.ready();
    await notify(user.id, "after the drop");
    await arrived.next((title) => title === "after the drop");
    // Live, then not (one report per failed rejoin while the socket was down), then live again.
    expect(statuses.filter((now, i) => now !== statuses[i - 1])).toEqual([true, false, true]);
    // Someone else's notification never reaches this subscriber.
    await notify(staffUser.id, "not for the member");
    await notify(user.id, "last");
    await arrived.next((title) => title === "last");
    expect(arrived.seen).not.toContain("not for the member");
  });

  it("rejoin a channel closed under them (realtime-js leaves a closed channel closed)", async () => {
    const user = await createUser({ full_name: "Live Rejoiner" });
    const client = await signedIn(user);
    const arrived = inbox<string>();
    const live = client.live.notifications((notification) => arrived.push(notification.title));
    subscriptions.push(live);
    await live.ready();
    const dropped = new Promise<void>((resolve) => live.onStatus((now) => !now && resolve()));
    await client.removeAllChannels();
    await dropped;
    await live.ready();
    await notify(user.id, "after the rejoin");
    await arrived.next((title) => title === "after the rejoin");
  });

  it("is not live once closed", async () => {
    const user = await createUser({ full_name: "Live Closer" });
    const client = await signedIn(user);
    const live = client.live.notifications(() => undefined);
    await live.ready();
    await live.close();
    expect(live.live).toBe(false);
  });
});

describe("a live chat thread", () => {
  it("brings messages, typing and presence to both sides", async () => {
    const memberUser = await createUser({ full_name: "Chatty Member" });
    const [member, staff] = await Promise.all([signedIn(memberUser), signedIn(staffUser)]);
    const thread = await member.chat.start("Brakes squeal", { organizationId: organization });
    await staff.rpc("assign_chat_thread", { p_thread_id: thread.id });

    const memberMessages = inbox<string>();
    const staffTyping = inbox<string>();
    const memberPresence = inbox<string[]>();
    const mine = member.live.chatThread(thread.id, memberUser.id, {
      onMessage: (message) => memberMessages.push(message.body),
      onPresence: (ids) => memberPresence.push(ids),
    });
    const theirs = staff.live.chatThread(thread.id, staffUser.id, {
      onTyping: (userId) => staffTyping.push(userId),
    });
    subscriptions.push(mine, theirs);
    await Promise.all([mine.ready(), theirs.ready()]);

    await memberPresence.next((ids) => ids.includes(staffUser.id) && ids.includes(memberUser.id));
    await mine.typing();
    expect(await staffTyping.next()).toBe(memberUser.id);
    await staff.chat.send(thread.id, "Bring it in on Monday");
    await memberMessages.next((body) => body === "Bring it in on Monday");
  });

  it("is refused to someone outside the thread: never live", async () => {
    const outsider = await signedIn(await createUser({ full_name: "Chat Outsider" }));
    const memberUser = await createUser({ full_name: "Private Member" });
    const thread = await (await signedIn(memberUser)).chat.start("Private");
    const errors: Error[] = [];
    const live = outsider.live.chatThread(
      thread.id,
      "outsider",
      {},
      { retryAfterMs: () => 60_000 },
    );
    subscriptions.push(live);
    live.onStatus((_, error) => error && errors.push(error));
    await new Promise<void>((resolve) => {
      const check = () => (errors.length > 0 ? resolve() : setTimeout(check, 20));
      check();
    });
    expect(live.live).toBe(false);
    expect(errors[0]!.message).toMatch(/unauthorized|denied|not allowed|permission/i);
  });
});

describe("a live waitlist place", () => {
  it("moves up when someone ahead leaves the queue", async () => {
    const people = await Promise.all(
      ["Seated", "Ahead", "Behind"].map((name) => createUser({ full_name: name })),
    );
    const [seated, ahead, behind] = await Promise.all(people.map((person) => signedIn(person)));
    const [event] = await sql<{ id: string }>(
      `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, status, capacity)
       values ($1, $2, 'Queue Day', 'Hall', now() + interval '1 day', now() + interval '1 day 3 hours', 'published', 1)
       returning id`,
      [organization, `queue-day-${randomUUID().slice(0, 8)}`],
    );
    await seated!.events.register(event!.id);
    const first = await ahead!.events.register(event!.id);
    const second = await behind!.events.register(event!.id);
    const places = inbox<number | null>();
    const live = behind!.live.waitlistPosition(second, (place) => places.push(place));
    subscriptions.push(live);
    expect(await places.next()).toBe(2);
    await ahead!.events.cancel(first.id);
    expect(await places.next((place) => place !== 2)).toBe(1);
  });
});

describe("a live registration and live check-ins", () => {
  it("tells a waitlisted person of their offer, and staff of each check-in", async () => {
    const [firstUser, waitingUser] = await Promise.all([
      createUser({ full_name: "First In" }),
      createUser({ full_name: "Waiting" }),
    ]);
    const [first, waiting, staff] = await Promise.all([
      signedIn(firstUser),
      signedIn(waitingUser),
      signedIn(staffUser),
    ]);
    const [event] = await sql<{ id: string }>(
      `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, status, capacity)
       values ($1, $2, 'Live Day', 'Hall', now() + interval '1 hour', now() + interval '3 hours', 'published', 1)
       returning id`,
      [organization, `live-day-${randomUUID().slice(0, 8)}`],
    );
    const seat = await first.events.register(event!.id);
    const queued = await waiting.events.register(event!.id);
    expect(queued.status).toBe("waitlisted");

    const changes = inbox<string>();
    const checkIns = inbox<string>();
    const registration = waiting.live.registration(queued.id, (row) => changes.push(row.status));
    const desk = staff.live.checkIns(event!.id, (row) => checkIns.push(row.registration_id));
    subscriptions.push(registration, desk);
    await Promise.all([registration.ready(), desk.ready()]);

    await first.events.cancel(seat.id);
    expect(await changes.next()).toBe("offered");
    const claimed = await waiting.events.claimWaitlistOffer(queued.id);
    await changes.next((status) => status === "confirmed");
    await staff.attendance.checkInByToken(claimed.check_in_token, event!.id);
    expect(await checkIns.next()).toBe(queued.id);
  });
});

describe("a live invoice", () => {
  it("tells its owner each status change, through a token refresh and a dropped socket, and nobody else", async () => {
    const [payerUser, outsiderUser] = await Promise.all([
      createUser({ full_name: "Live Payer" }),
      createUser({ full_name: "Live Outsider" }),
    ]);
    const [payer, outsider] = await Promise.all([signedIn(payerUser), signedIn(outsiderUser)]);
    const [event] = await sql<{ id: string }>(
      `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, status, capacity, price_amount, currency)
       values ($1, $2, 'Paid Live Day', 'Hall', now() + interval '1 day', now() + interval '1 day 3 hours', 'published', 5, 5000, 'USD')
       returning id`,
      [organization, `paid-live-${randomUUID().slice(0, 8)}`],
    );
    const registration = await payer.events.register(event!.id);
    const invoice = await payer.payments.checkoutRegistration(registration.id);

    const statuses = inbox<string>();
    const seenByOutsider: string[] = [];
    // The outsider's socket opens first, so the payer's is the last one opened.
    const peeking = outsider.live.invoice(invoice.id, (row) => seenByOutsider.push(row.status));
    await peeking.ready();
    const live = payer.live.invoice(invoice.id, (row) => statuses.push(row.status));
    subscriptions.push(live, peeking);
    expect(await statuses.next()).toBe("open");

    // Paid while live: the change arrives through realtime.
    await sql(
      `select private.apply_payment(i, 'manual', '{"provider_payment_id": "manual:live-test"}', null)
         from public.invoices i where i.id = $1`,
      [invoice.id],
    );
    expect(await statuses.next((status) => status !== "open")).toBe("paid");

    expect((await payer.auth.refreshSession()).error).toBeNull();
    sockets.at(-1)!.terminate();
    await new Promise<void>((resolve) => live.onStatus((now) => !now && resolve()));
    // Refunded while the socket is down: the rejoin catches up.
    await sql(
      `update public.invoices set status = 'refunded', amount_refunded = amount_paid, refunded_at = now()
        where id = $1`,
      [invoice.id],
    );
    expect(await statuses.next((status) => status === "refunded")).toBe("refunded");
    expect(seenByOutsider).toEqual([]);
    expect(statuses.seen).toEqual(["open", "paid", "refunded"]);
  });
});
