// Events and registrations (sql/0003_events.sql, sql/0004_event_registrations.sql): the
// registration window, payment holds, the waitlist and its offers, transfers, cancelling an event,
// and the 200-for-50 concurrency case.

import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anon,
  claimsFor,
  domainStack,
  pgError,
  serviceRole,
  type Db,
  type DomainStack,
} from "./helpers.ts";
import { domainFixtures } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization, newEvent, register, registration, counters } = domainFixtures(() => db);

describe("registrations", () => {
  it("free events confirm; the window, status, manual close, members-only and duplicates are checked", async () => {
    const org = await newOrganization();
    const user = await db.createUser();
    const eventId = await newEvent(org.id);
    const reg = await register(user, eventId, org.member.id);
    expect(reg.status).toBe("confirmed");
    expect(reg.check_in_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(
      await db.sql("select invited_by from public.event_registrations where id = $1", [reg.id]),
    ).toEqual([{ invited_by: org.member.id }]);
    expect(await pgError(register(user, eventId))).toMatchObject({
      code: "PT409",
      message: "you are already registered for this event",
    });
    expect(await pgError(register(user, eventId, user.id))).toMatchObject({ code: "22023" });

    const other = await db.createUser();
    const draft = await newEvent(org.id, { status: "draft" });
    expect(await pgError(register(other, draft))).toMatchObject({
      code: "PT404",
      message: "event not found",
    });
    const notYet = await newEvent(org.id, {
      registration_opens_at: new Date(Date.now() + 864e5).toISOString(),
    });
    expect(await pgError(register(other, notYet))).toMatchObject({
      code: "PT409",
      message: "registration for this event has not opened yet",
    });
    const over = await newEvent(org.id, {
      registration_opens_at: new Date(Date.now() - 2 * 864e5).toISOString(),
      registration_closes_at: new Date(Date.now() - 864e5).toISOString(),
    });
    expect(await pgError(register(other, over))).toMatchObject({
      code: "PT409",
      message: "registration for this event has closed",
    });
    const closed = await newEvent(org.id, { registration_closed: true });
    expect(await pgError(register(other, closed))).toMatchObject({
      code: "PT409",
      message: "registration for this event is closed",
    });
    const membersOnly = await newEvent(org.id, { members_only: true });
    expect(await pgError(register(other, membersOnly))).toMatchObject({ code: "42501" });
    expect((await register(org.member, membersOnly)).status).toBe("confirmed");
    expect(
      await pgError(db.rpc(anon, "register_for_event", { p_event_id: eventId })),
    ).toMatchObject({ code: "42501" });
    await db.sql("update public.events set status = 'cancelled' where id = $1", [closed]);
    expect(await pgError(register(other, closed))).toMatchObject({
      code: "PT409",
      message: "this event is cancelled",
    });
  });

  it("paid events hold a seat until it is paid; an unpaid hold expires and frees the seat", async () => {
    const eventId = await newEvent(null, {
      price_amount: 150000,
      currency: "IDR",
      capacity: 1,
      payment_hold_minutes: 15,
    });
    const [a, b] = [await db.createUser(), await db.createUser()];
    const held = await register(a, eventId);
    expect(held.status).toBe("pending_payment");
    expect(new Date(held.hold_expires_at!).getTime()).toBeGreaterThan(Date.now() + 14 * 60e3);
    expect((await register(b, eventId)).status).toBe("waitlisted");
    expect(await counters(eventId)).toMatchObject({ held_count: 1, waitlist_count: 1 });

    // The hold runs out; the scheduler's sweep expires it and offers the seat to b.
    await db.sql(
      "update public.event_registrations set hold_expires_at = now() - interval '1 second' where id = $1",
      [held.id],
    );
    expect(await pgError(db.rpc(a.claims, "process_expired_registrations"))).toMatchObject({
      code: "42501",
    });
    const [{ process_expired_registrations: touched }] = (await db.rpc<{
      process_expired_registrations: number;
    }>(serviceRole, "process_expired_registrations")) as [
      { process_expired_registrations: number },
    ];
    expect(touched).toBe(1);
    expect((await registration(held.id)).status).toBe("expired");
    const [bReg] = await db.sql<{ id: string; status: string }>(
      "select id, status from public.event_registrations where event_id = $1 and user_id = $2",
      [eventId, b.id],
    );
    expect(bReg!.status).toBe("offered");
    // b claims it: pending payment again, then the payment hook confirms (idempotently).
    const [claimed] = await db.rpc<{ status: string }>(b.claims, "claim_waitlist_offer", {
      p_registration_id: bReg!.id,
    });
    expect(claimed!.status).toBe("pending_payment");
    expect(
      await pgError(
        db.rpc(b.claims, "confirm_registration_payment", {
          p_registration_id: bReg!.id,
          p_payment_reference: "x",
        }),
      ),
    ).toMatchObject({
      code: "42501",
    });
    const [paid] = await db.rpc<{ status: string; paid_at: string }>(
      serviceRole,
      "confirm_registration_payment",
      {
        p_registration_id: bReg!.id,
        p_payment_reference: "pi_123",
      },
    );
    expect(paid!.status).toBe("confirmed");
    const [again] = await db.rpc<{ paid_at: string }>(serviceRole, "confirm_registration_payment", {
      p_registration_id: bReg!.id,
      p_payment_reference: "pi_123",
    });
    expect(again!.paid_at).toEqual(paid!.paid_at);
    // a paid too late, and the seat is gone: refund.
    expect(
      await pgError(
        db.rpc(serviceRole, "confirm_registration_payment", {
          p_registration_id: held.id,
          p_payment_reference: "late",
        }),
      ),
    ).toMatchObject({
      code: "PT409",
      hint: "the seat was released: refund the payment",
    });
    // The refund hook frees b's seat.
    const [refunded] = await db.rpc<{ status: string }>(serviceRole, "record_registration_refund", {
      p_registration_id: bReg!.id,
    });
    expect(refunded!.status).toBe("refunded");
    expect(await counters(eventId)).toMatchObject({
      confirmed_count: 0,
      held_count: 0,
      waitlist_count: 0,
    });
  });

  it("a cancellation offers the seat to the first person waiting, who must claim it in time", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { capacity: 1, waitlist_claim_minutes: 60 });
    const [a, b, c] = [await db.createUser(), await db.createUser(), await db.createUser()];
    const regA = await register(a, eventId);
    const regB = await register(b, eventId);
    const regC = await register(c, eventId);
    expect([regA.status, regB.status, regC.status]).toEqual([
      "confirmed",
      "waitlisted",
      "waitlisted",
    ]);
    expect(
      await pgError(db.rpc(b.claims, "claim_waitlist_offer", { p_registration_id: regB.id })),
    ).toMatchObject({ code: "PT409" });
    expect(
      await pgError(db.rpc(b.claims, "cancel_registration", { p_registration_id: regA.id })),
    ).toMatchObject({ code: "PT404" });

    const [cancelled] = await db.rpc<{ status: string; cancelled_by: string }>(
      a.claims,
      "cancel_registration",
      { p_registration_id: regA.id, p_reason: "sick" },
    );
    expect(cancelled).toMatchObject({ status: "cancelled", cancelled_by: a.id });
    expect(
      await pgError(db.rpc(a.claims, "cancel_registration", { p_registration_id: regA.id })),
    ).toMatchObject({
      code: "PT409",
      message: "this registration is already cancelled",
    });
    expect((await registration(regB.id)).status).toBe("offered");
    expect((await registration(regC.id)).status).toBe("waitlisted");
    // b lets the offer lapse: it passes to c.
    await db.sql(
      "update public.event_registrations set offer_expires_at = now() - interval '1 second' where id = $1",
      [regB.id],
    );
    expect(
      await pgError(db.rpc(b.claims, "claim_waitlist_offer", { p_registration_id: regB.id })),
    ).toMatchObject({ code: "PT409" });
    await db.rpc(serviceRole, "process_expired_registrations");
    expect((await registration(regB.id)).status).toBe("expired");
    expect((await registration(regC.id)).status).toBe("offered");
    expect(
      await pgError(db.rpc(b.claims, "claim_waitlist_offer", { p_registration_id: regC.id })),
    ).toMatchObject({ code: "PT404" });
    const [claimed] = await db.rpc<{ status: string }>(c.claims, "claim_waitlist_offer", {
      p_registration_id: regC.id,
    });
    expect(claimed!.status).toBe("confirmed");
    expect(await counters(eventId)).toMatchObject({
      confirmed_count: 1,
      held_count: 0,
      waitlist_count: 0,
    });
    // Staff cancel for anyone; more capacity offers seats at once.
    const d = await db.createUser();
    const regD = await register(d, eventId);
    expect(regD.status).toBe("waitlisted");
    await db.query(org.staff.claims, "update public.events set capacity = 2 where id = $1", [
      eventId,
    ]);
    expect((await registration(regD.id)).status).toBe("offered");
    await db.rpc(org.staff.claims, "cancel_registration", { p_registration_id: regD.id });
    expect((await registration(regD.id)).status).toBe("cancelled");
  });

  it("transfers a confirmed registration to another person with a new check-in token", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id);
    const [a, b] = [await db.createUser(), await db.createUser()];
    const reg = await register(a, eventId);
    expect(
      await pgError(
        db.rpc(a.claims, "transfer_registration", {
          p_registration_id: reg.id,
          p_recipient_id: a.id,
        }),
      ),
    ).toMatchObject({ code: "22023" });
    expect(
      await pgError(
        db.rpc(b.claims, "transfer_registration", {
          p_registration_id: reg.id,
          p_recipient_id: b.id,
        }),
      ),
    ).toMatchObject({ code: "PT404" });
    const [moved] = await db.rpc<{
      user_id: string;
      transferred_from_user_id: string;
      check_in_token: string;
    }>(a.claims, "transfer_registration", {
      p_registration_id: reg.id,
      p_recipient_id: b.id,
    });
    expect(moved).toMatchObject({ user_id: b.id, transferred_from_user_id: a.id });
    expect(moved!.check_in_token).not.toBe(reg.check_in_token);
    expect(
      await db.query(a.claims, "select 1 from public.event_registrations where id = $1", [reg.id]),
    ).toHaveLength(0);
    // b cannot receive a second one; a registers again fine.
    const c = await db.createUser();
    const regC = await register(c, eventId);
    expect(
      await pgError(
        db.rpc(c.claims, "transfer_registration", {
          p_registration_id: regC.id,
          p_recipient_id: b.id,
        }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "the recipient is already registered for this event",
    });
    const noTransfers = await newEvent(org.id, { allow_transfers: false });
    const regN = await register(a, noTransfers);
    expect(
      await pgError(
        db.rpc(a.claims, "transfer_registration", {
          p_registration_id: regN.id,
          p_recipient_id: b.id,
        }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "this event does not allow transfers",
    });
  });

  it("cancelling an event cancels its live registrations; published → draft is refused once people registered", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { capacity: 1 });
    const [a, b] = [await db.createUser(), await db.createUser()];
    await register(a, eventId);
    await register(b, eventId);
    expect(
      await pgError(
        db.query(org.staff.claims, "update public.events set status = 'draft' where id = $1", [
          eventId,
        ]),
      ),
    ).toMatchObject({ code: "PT409" });
    expect(
      await pgError(
        db.query(org.staff.claims, "update public.events set status = 'completed' where id = $1", [
          eventId,
        ]),
      ),
    ).toMatchObject({ code: "PT409" });
    await db.query(
      org.staff.claims,
      "update public.events set status = 'cancelled', cancellation_reason = 'venue flooded' where id = $1",
      [eventId],
    );
    expect(
      await db.sql(
        "select distinct status, cancellation_reason from public.event_registrations where event_id = $1",
        [eventId],
      ),
    ).toEqual([{ status: "cancelled", cancellation_reason: "venue flooded" }]);
    expect(await counters(eventId)).toMatchObject({
      confirmed_count: 0,
      held_count: 0,
      waitlist_count: 0,
    });
    expect(
      await pgError(
        db.query(org.staff.claims, "update public.events set status = 'published' where id = $1", [
          eventId,
        ]),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "an event cannot go from cancelled to published",
    });
  });

  it("a connection that has registered a few times plans only a registration's dynamic lookup again", async () => {
    // PostgreSQL keeps no plan for a SQL-language function it does not inline, nor for a
    // PL/pgSQL EXECUTE: such helpers plan their statement on every registration (sql/0076).
    const org = await newOrganization();
    const user = await db.createUser();
    // Daily mail keeps the confirmations' emails (with their unsubscribe tokens) in the outbox, so
    // no registration asks pg_net to deliver: the stack's stand-in for pg_net's C function that
    // builds the request's URL is SQL and plans on every request, which hosted Supabase does not.
    await db.rpc(user.claims, "set_notification_settings", { p_email_frequency: "daily" });
    const eventIds: string[] = [];
    for (let i = 0; i < 8; i++) eventIds.push(await newEvent(org.id));
    // A connection of its own: plans are cached per connection.
    const client = new pg.Client({ connectionString: stack.dbUrl });
    await client.connect();
    // log_planner_stats reports every planning as a LOG message; `where` names the function that
    // planned (none for the statement sent).
    const planned: string[] = [];
    client.on("notice", (notice) => {
      if (notice.message === "PLANNER STATISTICS")
        planned.push(notice.where ?? "the statement sent");
    });
    try {
      await client.query("set log_planner_stats = on; set client_min_messages = log");
      // PL/pgSQL makes plans for a statement's values on its first five runs, then keeps the
      // generic plan: the eighth registration is what every later one costs.
      for (const eventId of eventIds) {
        await client.query("begin");
        await client.query(
          "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)",
          [JSON.stringify(user.claims)],
        );
        planned.length = 0;
        const { rows } = await client.query<{ status: string }>({
          name: "register",
          text: "select status from public.register_for_event($1)",
          values: [eventId],
        });
        await client.query("commit");
        expect(rows).toEqual([{ status: "confirmed" }]);
      }
      // Only inherit_organization_id's dynamic lookup, which serves every child table.
      expect(planned).toEqual([
        expect.stringMatching(
          /^SQL statement "select organization_id from public\.events where id = \$1"\nPL\/pgSQL function private\.inherit_organization_id\(\) line \d+ at EXECUTE\n/,
        ),
      ]);
    } finally {
      await client.end();
    }
    expect(
      await db.sql(
        "select status, data ? 'unsubscribe_token' as signed, count(*)::int as n from public.email_outbox where user_id = $1 group by 1, 2",
        [user.id],
      ),
    ).toEqual([{ status: "held", signed: true, n: 8 }]);
  });

  it("200 simultaneous registrations for 50 seats: exactly 50 confirmed and 150 waitlisted, no error", async () => {
    const eventId = await newEvent(null, { capacity: 50 });
    const ids = Array.from({ length: 200 }, () => randomUUID());
    await db.sql(
      `insert into auth.users (instance_id, id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', 'crowd-' || id || '@example.test', now(), '{}', '{}', now(), now()
       from unnest($1::uuid[]) as id`,
      [ids],
    );
    // Forty connections, as a PostgREST pool would have; 200 requests in flight at once.
    const url = new URL(stack.dbUrl);
    url.username = "authenticator";
    url.password = "postgres";
    const pool = new pg.Pool({ connectionString: url.toString(), max: 40 });
    try {
      const results = await Promise.allSettled(
        ids.map(async (id) => {
          const client = await pool.connect();
          try {
            await client.query("begin");
            await client.query(
              "select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)",
              [JSON.stringify(claimsFor(id, `crowd-${id}@example.test`))],
            );
            const { rows } = await client.query<{ status: string }>(
              "select status from public.register_for_event($1)",
              [eventId],
            );
            await client.query("commit");
            return rows[0]!.status;
          } catch (error) {
            await client.query("rollback").catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        }),
      );
      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected).toEqual([]);
      const statuses = results.map((r) => (r as PromiseFulfilledResult<string>).value);
      expect(statuses.filter((s) => s === "confirmed")).toHaveLength(50);
      expect(statuses.filter((s) => s === "waitlisted")).toHaveLength(150);
    } finally {
      await pool.end();
    }
    expect(await counters(eventId)).toMatchObject({
      confirmed_count: 50,
      held_count: 0,
      waitlist_count: 150,
    });
    expect(
      await db.sql(
        "select status, count(*)::int as n from public.event_registrations where event_id = $1 group by 1 order by 1",
        [eventId],
      ),
    ).toEqual([
      { status: "confirmed", n: 50 },
      { status: "waitlisted", n: 150 },
    ]);
  });
});
