// Every RPC of the domain, with its refusals; profiles and suspension; the 200-for-50
// concurrency case; and the seed.

import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anon, claimsFor, domainStack, pgError, serviceRole, slug, type Db, type DomainStack, type User } from "./helpers.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

type Role = "member" | "staff" | "admin" | "owner";

/** An organization owned by a new user, with a new user in each other role. */
async function newOrganization() {
  const owner = await db.createUser({ full_name: "Owner" });
  const [org] = await db.query<{ id: string }>(
    owner.claims,
    "insert into public.organizations (slug, display_name, city) values ($1, 'Org', 'Jakarta') returning id",
    [slug("org")],
  );
  const people: Record<Role, User> = { owner } as Record<Role, User>;
  for (const role of ["admin", "staff", "member"] as const) {
    people[role] = await db.createUser({ full_name: role });
    await db.sql("insert into public.organization_members (organization_id, user_id, role) values ($1, $2, $3)", [org!.id, people[role].id, role]);
  }
  return { id: org!.id, ...people };
}

async function newEvent(organizationId: string | null, values: Record<string, unknown> = {}): Promise<string> {
  const row: Record<string, unknown> = {
    organization_id: organizationId,
    slug: slug("event"),
    title: "Event",
    venue_name: "Hall",
    starts_at: new Date(Date.now() + 7 * 864e5).toISOString(),
    ends_at: new Date(Date.now() + 7 * 864e5 + 4 * 36e5).toISOString(),
    status: "published",
    ...values,
  };
  const names = Object.keys(row);
  const [event] = await db.sql<{ id: string }>(
    `insert into public.events (${names.join(", ")}) values (${names.map((_, i) => `$${i + 1}`).join(", ")}) returning id`,
    names.map((name) => row[name]),
  );
  return event!.id;
}

/** An event starting within the hour: registration is open and check-in has begun. */
const soon = () => ({ starts_at: new Date(Date.now() + 36e5).toISOString(), ends_at: new Date(Date.now() + 5 * 36e5).toISOString() });

const register = (user: User, eventId: string, invitedBy?: string) =>
  db.rpc<{ id: string; status: string; check_in_token: string; hold_expires_at: string | null }>(user.claims, "register_for_event", {
    p_event_id: eventId,
    ...(invitedBy ? { p_invited_by: invitedBy } : {}),
  }).then((rows) => rows[0]!);

const registration = async (id: string) =>
  (await db.sql<{ status: string; user_id: string; offer_expires_at: Date | null; attended_at: Date | null; check_in_token: string }>(
    "select * from public.event_registrations where id = $1",
    [id],
  ))[0]!;

const counters = async (eventId: string) =>
  (await db.sql<{ confirmed_count: number; held_count: number; waitlist_count: number; attended_count: number }>(
    "select confirmed_count, held_count, waitlist_count, attended_count from public.events where id = $1",
    [eventId],
  ))[0]!;

describe("profiles", () => {
  it("are created on sign-up with the name and avatar from the metadata (Google's picture too)", async () => {
    const google = await db.createUser({ name: "Gabriel Google", picture: "https://lh3.example/photo.jpg" });
    const plain = await db.createUser({}, `plain-${randomUUID().slice(0, 6)}@example.test`);
    const rows = await db.sql<{ id: string; display_name: string; avatar_url: string | null }>(
      "select id, display_name, avatar_url from public.profiles where id = any($1) order by display_name",
      [[google.id, plain.id]],
    );
    expect(rows.find((r) => r.id === google.id)).toMatchObject({ display_name: "Gabriel Google", avatar_url: "https://lh3.example/photo.jpg" });
    expect(rows.find((r) => r.id === plain.id)!.display_name).toMatch(/^plain-/);
    expect(await db.sql("select 1 from public.profile_contacts where profile_id = $1", [google.id])).toHaveLength(1);
  });

  it("a suspended user reads but cannot create: organizations, registrations, CPD entries", async () => {
    const user = await db.createUser();
    const eventId = await newEvent(null);
    await db.sql("update public.profiles set suspended_at = now() - interval '1 minute', suspension_reason = 'spam' where id = $1", [user.id]);
    expect(await db.query(user.claims, "select 1 from public.events where id = $1", [eventId])).toHaveLength(1);
    expect(
      await pgError(db.query(user.claims, "insert into public.organizations (slug, display_name) values ($1, 'X')", [slug("susp")])),
    ).toMatchObject({ code: "42501" });
    expect(await pgError(register(user, eventId))).toMatchObject({ code: "42501", message: "your account is suspended" });
    expect(
      await pgError(db.query(user.claims, "insert into public.cpd_credit_entries (user_id, activity_title, credits, earned_at) values (auth.uid(), 'x', 1, now())")),
    ).toMatchObject({ code: "42501" });
    // A suspension that ended no longer applies.
    await db.sql("update public.profiles set suspended_until = now() - interval '1 second' where id = $1", [user.id]);
    expect((await register(user, eventId)).status).toBe("confirmed");
  });

  it("platform admins are granted by another platform admin, never by oneself", async () => {
    const user = await db.createUser();
    expect(await pgError(db.query(user.claims, "insert into public.platform_admins (user_id) values (auth.uid())"))).toMatchObject({ code: "42501" });
    const admin = await db.createUser();
    await db.sql("insert into public.platform_admins (user_id) values ($1)", [admin.id]);
    await db.query(admin.claims, "insert into public.platform_admins (user_id) values ($1)", [user.id]);
    expect(await db.query(user.claims, "select granted_by from public.platform_admins where user_id = auth.uid()")).toEqual([{ granted_by: admin.id }]);
  });
});

describe("organizations and invitations", () => {
  it("the creator becomes owner, member_count follows, and the slug is unique", async () => {
    const org = await newOrganization();
    const [row] = await db.sql<{ member_count: number }>("select member_count from public.organizations where id = $1", [org.id]);
    expect(row!.member_count).toBe(4);
    expect(await db.sql("select role from public.organization_members where organization_id = $1 and user_id = $2", [org.id, org.owner.id])).toEqual([
      { role: "owner" },
    ]);
    const [{ slug: taken }] = (await db.sql<{ slug: string }>("select slug from public.organizations where id = $1", [org.id])) as [{ slug: string }];
    expect(
      await pgError(db.query(org.member.claims, "insert into public.organizations (slug, display_name) values ($1, 'Copy')", [taken])),
    ).toMatchObject({ code: "23505" });
  });

  it("the directory is searchable by name and city for signed-in users", async () => {
    const user = await db.createUser();
    const city = `City${randomUUID().slice(0, 6)}`;
    await db.query(user.claims, "insert into public.organizations (slug, display_name, city) values ($1, 'Searchable Motors', $2)", [slug("s"), city]);
    const found = await db.query(user.claims, "select display_name from public.organizations where display_name ilike '%searchable%' and city ilike $1", [
      city.toLowerCase(),
    ]);
    expect(found).toEqual([{ display_name: "Searchable Motors" }]);
  });

  it("an email invitation is accepted only by that address; a code invitation by whoever has the code, once", async () => {
    const org = await newOrganization();
    const invitee = await db.createUser();
    const stranger = await db.createUser();
    const [emailInvite] = await db.rpc<{ code: string; status: string }>(org.admin.claims, "create_organization_invitation", {
      p_organization_id: org.id,
      p_email: invitee.email.toUpperCase(),
      p_role: "staff",
    });
    expect(emailInvite!.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    // The invitee sees it; a stranger does not, nor can accept it.
    expect(await db.query(invitee.claims, "select code from public.organization_invitations where organization_id = $1", [org.id])).toHaveLength(1);
    expect(await db.query(stranger.claims, "select code from public.organization_invitations where organization_id = $1", [org.id])).toHaveLength(0);
    expect(await pgError(db.rpc(stranger.claims, "accept_organization_invitation", { p_code: emailInvite!.code }))).toMatchObject({ code: "42501" });
    const [member] = await db.rpc<{ role: string; invited_by: string }>(invitee.claims, "accept_organization_invitation", {
      p_code: emailInvite!.code.toLowerCase().replace(/(.{5})/, "$1-"),
    });
    expect(member).toMatchObject({ role: "staff", invited_by: org.admin.id });
    expect(await pgError(db.rpc(invitee.claims, "accept_organization_invitation", { p_code: emailInvite!.code }))).toMatchObject({
      code: "P0001",
      message: "this invitation was already accepted",
    });

    const [codeInvite] = await db.rpc<{ code: string }>(org.owner.claims, "create_organization_invitation", { p_organization_id: org.id });
    const [declined] = await db.rpc<{ status: string }>(stranger.claims, "decline_organization_invitation", { p_code: codeInvite!.code });
    expect(declined!.status).toBe("declined");
    expect(await pgError(db.rpc(stranger.claims, "accept_organization_invitation", { p_code: codeInvite!.code }))).toMatchObject({ code: "P0001" });
    expect(await pgError(db.rpc(stranger.claims, "accept_organization_invitation", { p_code: "ZZZZZZZZZZ" }))).toMatchObject({ code: "P0002" });
  });

  it("invitations expire, cannot make owners, and only admins and owners create them", async () => {
    const org = await newOrganization();
    const user = await db.createUser();
    expect(await pgError(db.rpc(org.staff.claims, "create_organization_invitation", { p_organization_id: org.id }))).toMatchObject({ code: "42501" });
    expect(await pgError(db.rpc(anon, "create_organization_invitation", { p_organization_id: org.id }))).toMatchObject({ code: "42501" });
    expect(
      await pgError(db.rpc(org.admin.claims, "create_organization_invitation", { p_organization_id: org.id, p_role: "owner" })),
    ).toMatchObject({ code: "P0001" });
    expect(
      await pgError(db.rpc(org.admin.claims, "create_organization_invitation", { p_organization_id: org.id, p_email: org.member.email })),
    ).toMatchObject({ code: "P0001", message: "that person is already a member of the organization" });
    const [invite] = await db.rpc<{ id: string; code: string }>(org.admin.claims, "create_organization_invitation", { p_organization_id: org.id });
    await db.sql("update public.organization_invitations set created_at = now() - interval '20 days', expires_at = now() - interval '1 day' where id = $1", [
      invite!.id,
    ]);
    expect(await pgError(db.rpc(user.claims, "accept_organization_invitation", { p_code: invite!.code }))).toMatchObject({
      code: "P0001",
      message: "this invitation has expired",
    });
    expect(await pgError(db.rpc(org.member.claims, "accept_organization_invitation", { p_code: (await db.rpc<{ code: string }>(org.admin.claims, "create_organization_invitation", { p_organization_id: org.id }))[0]!.code }))).toMatchObject({
      code: "P0001",
      message: "you are already a member of this organization",
    });
  });

  it("set_person_in_charge moves the flag; only admins and owners may", async () => {
    const org = await newOrganization();
    await db.rpc(org.admin.claims, "set_person_in_charge", { p_organization_id: org.id, p_user_id: org.staff.id });
    await db.rpc(org.owner.claims, "set_person_in_charge", { p_organization_id: org.id, p_user_id: org.member.id });
    expect(
      await db.sql("select user_id from public.organization_members where organization_id = $1 and is_person_in_charge", [org.id]),
    ).toEqual([{ user_id: org.member.id }]);
    expect(
      await pgError(db.rpc(org.staff.claims, "set_person_in_charge", { p_organization_id: org.id, p_user_id: org.staff.id })),
    ).toMatchObject({ code: "42501" });
    const outsider = await db.createUser();
    expect(
      await pgError(db.rpc(org.admin.claims, "set_person_in_charge", { p_organization_id: org.id, p_user_id: outsider.id })),
    ).toMatchObject({ code: "P0002" });
  });
});

describe("registrations", () => {
  it("free events confirm; the window, status, manual close, members-only and duplicates are checked", async () => {
    const org = await newOrganization();
    const user = await db.createUser();
    const eventId = await newEvent(org.id);
    const reg = await register(user, eventId, org.member.id);
    expect(reg.status).toBe("confirmed");
    expect(reg.check_in_token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await db.sql("select invited_by from public.event_registrations where id = $1", [reg.id])).toEqual([{ invited_by: org.member.id }]);
    expect(await pgError(register(user, eventId))).toMatchObject({ code: "P0001", message: "you are already registered for this event" });
    expect(await pgError(register(user, eventId, user.id))).toMatchObject({ code: "P0001" });

    const other = await db.createUser();
    const draft = await newEvent(org.id, { status: "draft" });
    expect(await pgError(register(other, draft))).toMatchObject({ code: "P0002", message: "event not found" });
    const notYet = await newEvent(org.id, { registration_opens_at: new Date(Date.now() + 864e5).toISOString() });
    expect(await pgError(register(other, notYet))).toMatchObject({ code: "P0001", message: "registration for this event has not opened yet" });
    const over = await newEvent(org.id, {
      registration_opens_at: new Date(Date.now() - 2 * 864e5).toISOString(),
      registration_closes_at: new Date(Date.now() - 864e5).toISOString(),
    });
    expect(await pgError(register(other, over))).toMatchObject({ code: "P0001", message: "registration for this event has closed" });
    const closed = await newEvent(org.id, { registration_closed: true });
    expect(await pgError(register(other, closed))).toMatchObject({ code: "P0001", message: "registration for this event is closed" });
    const membersOnly = await newEvent(org.id, { members_only: true });
    expect(await pgError(register(other, membersOnly))).toMatchObject({ code: "42501" });
    expect((await register(org.member, membersOnly)).status).toBe("confirmed");
    expect(await pgError(db.rpc(anon, "register_for_event", { p_event_id: eventId }))).toMatchObject({ code: "42501" });
    await db.sql("update public.events set status = 'cancelled' where id = $1", [closed]);
    expect(await pgError(register(other, closed))).toMatchObject({ code: "P0001", message: "this event is cancelled" });
  });

  it("paid events hold a seat until it is paid; an unpaid hold expires and frees the seat", async () => {
    const eventId = await newEvent(null, { price_amount: 150000, currency: "IDR", capacity: 1, payment_hold_minutes: 15 });
    const [a, b] = [await db.createUser(), await db.createUser()];
    const held = await register(a, eventId);
    expect(held.status).toBe("pending_payment");
    expect(new Date(held.hold_expires_at!).getTime()).toBeGreaterThan(Date.now() + 14 * 60e3);
    expect((await register(b, eventId)).status).toBe("waitlisted");
    expect(await counters(eventId)).toMatchObject({ held_count: 1, waitlist_count: 1 });

    // The hold runs out; the scheduler's sweep expires it and offers the seat to b.
    await db.sql("update public.event_registrations set hold_expires_at = now() - interval '1 second' where id = $1", [held.id]);
    expect(await pgError(db.rpc(a.claims, "process_expired_registrations"))).toMatchObject({ code: "42501" });
    const [{ process_expired_registrations: touched }] = (await db.rpc<{ process_expired_registrations: number }>(serviceRole, "process_expired_registrations")) as [
      { process_expired_registrations: number },
    ];
    expect(touched).toBe(1);
    expect((await registration(held.id)).status).toBe("expired");
    const [bReg] = await db.sql<{ id: string; status: string }>("select id, status from public.event_registrations where event_id = $1 and user_id = $2", [
      eventId,
      b.id,
    ]);
    expect(bReg!.status).toBe("offered");
    // b claims it: pending payment again, then the payment hook confirms (idempotently).
    const [claimed] = await db.rpc<{ status: string }>(b.claims, "claim_waitlist_offer", { p_registration_id: bReg!.id });
    expect(claimed!.status).toBe("pending_payment");
    expect(await pgError(db.rpc(b.claims, "confirm_registration_payment", { p_registration_id: bReg!.id, p_payment_reference: "x" }))).toMatchObject({
      code: "42501",
    });
    const [paid] = await db.rpc<{ status: string; paid_at: string }>(serviceRole, "confirm_registration_payment", {
      p_registration_id: bReg!.id,
      p_payment_reference: "pi_123",
    });
    expect(paid!.status).toBe("confirmed");
    const [again] = await db.rpc<{ paid_at: string }>(serviceRole, "confirm_registration_payment", { p_registration_id: bReg!.id, p_payment_reference: "pi_123" });
    expect(again!.paid_at).toEqual(paid!.paid_at);
    // a paid too late, and the seat is gone: refund.
    expect(await pgError(db.rpc(serviceRole, "confirm_registration_payment", { p_registration_id: held.id, p_payment_reference: "late" }))).toMatchObject({
      code: "P0001",
      hint: "the seat was released: refund the payment",
    });
    // The refund hook frees b's seat.
    const [refunded] = await db.rpc<{ status: string }>(serviceRole, "record_registration_refund", { p_registration_id: bReg!.id });
    expect(refunded!.status).toBe("refunded");
    expect(await counters(eventId)).toMatchObject({ confirmed_count: 0, held_count: 0, waitlist_count: 0 });
  });

  it("a cancellation offers the seat to the first person waiting, who must claim it in time", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { capacity: 1, waitlist_claim_minutes: 60 });
    const [a, b, c] = [await db.createUser(), await db.createUser(), await db.createUser()];
    const regA = await register(a, eventId);
    const regB = await register(b, eventId);
    const regC = await register(c, eventId);
    expect([regA.status, regB.status, regC.status]).toEqual(["confirmed", "waitlisted", "waitlisted"]);
    expect(await pgError(db.rpc(b.claims, "claim_waitlist_offer", { p_registration_id: regB.id }))).toMatchObject({ code: "P0001" });
    expect(await pgError(db.rpc(b.claims, "cancel_registration", { p_registration_id: regA.id }))).toMatchObject({ code: "PT404" });

    const [cancelled] = await db.rpc<{ status: string; cancelled_by: string }>(a.claims, "cancel_registration", { p_registration_id: regA.id, p_reason: "sick" });
    expect(cancelled).toMatchObject({ status: "cancelled", cancelled_by: a.id });
    expect(await pgError(db.rpc(a.claims, "cancel_registration", { p_registration_id: regA.id }))).toMatchObject({
      code: "PT409",
      message: "this registration is already cancelled",
    });
    expect((await registration(regB.id)).status).toBe("offered");
    expect((await registration(regC.id)).status).toBe("waitlisted");
    // b lets the offer lapse: it passes to c.
    await db.sql("update public.event_registrations set offer_expires_at = now() - interval '1 second' where id = $1", [regB.id]);
    expect(await pgError(db.rpc(b.claims, "claim_waitlist_offer", { p_registration_id: regB.id }))).toMatchObject({ code: "P0001" });
    await db.rpc(serviceRole, "process_expired_registrations");
    expect((await registration(regB.id)).status).toBe("expired");
    expect((await registration(regC.id)).status).toBe("offered");
    expect(await pgError(db.rpc(b.claims, "claim_waitlist_offer", { p_registration_id: regC.id }))).toMatchObject({ code: "P0002" });
    const [claimed] = await db.rpc<{ status: string }>(c.claims, "claim_waitlist_offer", { p_registration_id: regC.id });
    expect(claimed!.status).toBe("confirmed");
    expect(await counters(eventId)).toMatchObject({ confirmed_count: 1, held_count: 0, waitlist_count: 0 });
    // Staff cancel for anyone; more capacity offers seats at once.
    const d = await db.createUser();
    const regD = await register(d, eventId);
    expect(regD.status).toBe("waitlisted");
    await db.query(org.staff.claims, "update public.events set capacity = 2 where id = $1", [eventId]);
    expect((await registration(regD.id)).status).toBe("offered");
    await db.rpc(org.staff.claims, "cancel_registration", { p_registration_id: regD.id });
    expect((await registration(regD.id)).status).toBe("cancelled");
  });

  it("transfers a confirmed registration to another person with a new check-in token", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id);
    const [a, b] = [await db.createUser(), await db.createUser()];
    const reg = await register(a, eventId);
    expect(await pgError(db.rpc(a.claims, "transfer_registration", { p_registration_id: reg.id, p_recipient_id: a.id }))).toMatchObject({ code: "P0001" });
    expect(await pgError(db.rpc(b.claims, "transfer_registration", { p_registration_id: reg.id, p_recipient_id: b.id }))).toMatchObject({ code: "P0002" });
    const [moved] = await db.rpc<{ user_id: string; transferred_from_user_id: string; check_in_token: string }>(a.claims, "transfer_registration", {
      p_registration_id: reg.id,
      p_recipient_id: b.id,
    });
    expect(moved).toMatchObject({ user_id: b.id, transferred_from_user_id: a.id });
    expect(moved!.check_in_token).not.toBe(reg.check_in_token);
    expect(await db.query(a.claims, "select 1 from public.event_registrations where id = $1", [reg.id])).toHaveLength(0);
    // b cannot receive a second one; a registers again fine.
    const c = await db.createUser();
    const regC = await register(c, eventId);
    expect(await pgError(db.rpc(c.claims, "transfer_registration", { p_registration_id: regC.id, p_recipient_id: b.id }))).toMatchObject({
      code: "P0001",
      message: "the recipient is already registered for this event",
    });
    const noTransfers = await newEvent(org.id, { allow_transfers: false });
    const regN = await register(a, noTransfers);
    expect(await pgError(db.rpc(a.claims, "transfer_registration", { p_registration_id: regN.id, p_recipient_id: b.id }))).toMatchObject({
      code: "P0001",
      message: "this event does not allow transfers",
    });
  });

  it("cancelling an event cancels its live registrations; published → draft is refused once people registered", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { capacity: 1 });
    const [a, b] = [await db.createUser(), await db.createUser()];
    await register(a, eventId);
    await register(b, eventId);
    expect(await pgError(db.query(org.staff.claims, "update public.events set status = 'draft' where id = $1", [eventId]))).toMatchObject({ code: "P0001" });
    expect(await pgError(db.query(org.staff.claims, "update public.events set status = 'completed' where id = $1", [eventId]))).toMatchObject({ code: "P0001" });
    await db.query(org.staff.claims, "update public.events set status = 'cancelled', cancellation_reason = 'venue flooded' where id = $1", [eventId]);
    expect(await db.sql("select distinct status, cancellation_reason from public.event_registrations where event_id = $1", [eventId])).toEqual([
      { status: "cancelled", cancellation_reason: "venue flooded" },
    ]);
    expect(await counters(eventId)).toMatchObject({ confirmed_count: 0, held_count: 0, waitlist_count: 0 });
    expect(await pgError(db.query(org.staff.claims, "update public.events set status = 'published' where id = $1", [eventId]))).toMatchObject({
      code: "P0001",
      message: "an event cannot go from cancelled to published",
    });
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
            await client.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
              JSON.stringify(claimsFor(id, `crowd-${id}@example.test`)),
            ]);
            const { rows } = await client.query<{ status: string }>("select status from public.register_for_event($1)", [eventId]);
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
    expect(await counters(eventId)).toMatchObject({ confirmed_count: 50, held_count: 0, waitlist_count: 150 });
    expect(await db.sql("select status, count(*)::int as n from public.event_registrations where event_id = $1 group by 1 order by 1", [eventId])).toEqual([
      { status: "confirmed", n: 50 },
      { status: "waitlisted", n: 150 },
    ]);
  });
});

describe("attendance", () => {
  it("checks in by token once per session; a second scan answers already_checked_in", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { cpd_credits: 2, ...soon() });
    const sessions = await db.sql<{ id: string }>(
      `insert into public.event_sessions (event_id, title, starts_at, ends_at) values
         ($1, 'Day 1', now(), now() + interval '2 hours'), ($1, 'Day 2', now() + interval '1 day', now() + interval '1 day 2 hours')
       returning id`,
      [eventId],
    );
    const user = await db.createUser();
    const reg = await register(user, eventId);
    const checkIn = (claims: typeof user.claims, token: string, session?: string) =>
      db.rpc<{ result: string; checked_in_at: string; display_name: string }>(claims, "check_in_by_token", {
        p_token: token,
        p_event_id: eventId,
        ...(session ? { p_session_id: session } : {}),
      });

    expect(await pgError(checkIn(user.claims, reg.check_in_token, sessions[0]!.id))).toMatchObject({ code: "P0002" });
    expect(await pgError(checkIn(org.staff.claims, "not-a-token", sessions[0]!.id))).toMatchObject({ code: "P0002" });
    expect(await pgError(checkIn(org.staff.claims, reg.check_in_token))).toMatchObject({ code: "P0001", message: "pass the session of this event being checked in" });
    const [first] = await checkIn(org.staff.claims, reg.check_in_token, sessions[0]!.id);
    expect(first).toMatchObject({ result: "checked_in" });
    const [second] = await checkIn(org.staff.claims, reg.check_in_token, sessions[0]!.id);
    expect(second).toMatchObject({ result: "already_checked_in", checked_in_at: first!.checked_in_at });
    const [day2] = await checkIn(org.admin.claims, reg.check_in_token, sessions[1]!.id);
    expect(day2!.result).toBe("checked_in");
    expect((await registration(reg.id)).attended_at).not.toBeNull();
    // The first check-in earned the event's CPD credits, once.
    expect(await db.sql("select credits::float as credits from public.cpd_credit_entries where registration_id = $1", [reg.id])).toEqual([{ credits: 2 }]);

    const [summary, ...perSession] = await db.rpc<{ session_id: string | null; confirmed_count: number; checked_in_count: number }>(
      org.staff.claims,
      "event_attendance_summary",
      { p_event_id: eventId },
    );
    expect(summary).toMatchObject({ session_id: null, confirmed_count: 1, checked_in_count: 1 });
    expect(perSession.map((s) => s.checked_in_count)).toEqual([1, 1]);
    expect(await pgError(db.rpc(org.member.claims, "event_attendance_summary", { p_event_id: eventId }))).toMatchObject({ code: "P0002" });

    // Not confirmed: refused.
    const waiting = await newEvent(org.id, { capacity: 1, ...soon() });
    await register(await db.createUser(), waiting);
    const late = await register(await db.createUser(), waiting);
    expect(await pgError(db.rpc(org.staff.claims, "check_in_by_token", { p_token: late.check_in_token }))).toMatchObject({
      code: "P0001",
      message: "this registration is not confirmed",
    });
    // Manual check-in by registration id.
    const walkIn = await register(await db.createUser(), eventId);
    const [manual] = await db.rpc<{ result: string }>(org.staff.claims, "check_in_registration", { p_registration_id: walkIn.id, p_session_id: sessions[1]!.id });
    expect(manual!.result).toBe("checked_in");
  });

  it("offline scans synced later are recorded once and keep their scan time", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { starts_at: new Date(Date.now() - 36e5).toISOString(), ends_at: new Date(Date.now() + 36e5).toISOString() });
    await db.sql("update public.events set registration_closes_at = null where id = $1", [eventId]);
    // Registration closed when the event started: register through the hook-free path.
    const [a, b] = [await db.createUser(), await db.createUser()];
    const tokens: string[] = [];
    for (const user of [a, b]) {
      const [row] = await db.sql<{ check_in_token: string }>(
        "insert into public.event_registrations (event_id, user_id, status, confirmed_at) values ($1, $2, 'confirmed', now()) returning check_in_token",
        [eventId, user.id],
      );
      tokens.push(row!.check_in_token);
    }
    const scannedAt = new Date(Date.now() - 30 * 60e3).toISOString();
    const scans = [
      { token: tokens[0], scanned_at: scannedAt, ref: "s1" },
      { token: tokens[1], scanned_at: scannedAt, ref: "s2" },
      { token: "bogus", scanned_at: scannedAt, ref: "s3" },
      { token: tokens[0], scanned_at: new Date(Date.now() + 36e5).toISOString(), ref: "s4" },
      { token: tokens[0], scanned_at: new Date(Date.now() - 10 * 60e3).toISOString(), ref: "s5" },
      { token: tokens[1], scanned_at: "yesterday-ish", ref: "s6" },
    ];
    const results = await db.rpc<{ result: string; client_ref: string; checked_in_at: Date | null }>(org.staff.claims, "sync_offline_check_ins", {
      p_scans: JSON.stringify(scans),
      p_device_id: "scanner-1",
    });
    expect(results.map((r) => [r.client_ref, r.result])).toEqual([
      ["s1", "checked_in"],
      ["s2", "checked_in"],
      ["s3", "invalid_token"],
      ["s4", "invalid_scan_time"],
      ["s5", "already_checked_in"],
      ["s6", "invalid_scan_time"],
    ]);
    expect(new Date(results[0]!.checked_in_at!).toISOString()).toBe(scannedAt);
    // Synced again (a retry): nothing new, the scan time kept.
    const again = await db.rpc<{ result: string; checked_in_at: Date }>(org.staff.claims, "sync_offline_check_ins", { p_scans: JSON.stringify(scans.slice(0, 1)) });
    expect(again[0]).toMatchObject({ result: "already_checked_in" });
    expect(new Date(again[0]!.checked_in_at).toISOString()).toBe(scannedAt);
    expect(await db.sql("select count(*)::int as n, min(method::text) as method from public.event_check_ins where event_id = $1", [eventId])).toEqual([
      { n: 2, method: "offline" },
    ]);
    expect(await pgError(db.rpc(org.staff.claims, "sync_offline_check_ins", { p_scans: '{"token": "x"}' }))).toMatchObject({ code: "22023" });
    const outsider = await db.createUser();
    const refused = await db.rpc<{ result: string }>(outsider.claims, "sync_offline_check_ins", { p_scans: JSON.stringify(scans.slice(1, 2)) });
    expect(refused.map((r) => r.result)).toEqual(["invalid_token"]);
  });
});

describe("certificates", () => {
  async function attendedRegistration() {
    const org = await newOrganization();
    await db.sql(
      "insert into public.certificate_templates (organization_id, name, body, validity_months, is_default) values ($1, 'Default', 'Well done {{holder_name}}: {{title}} ({{verification_code}})', 12, true)",
      [org.id],
    );
    const eventId = await newEvent(org.id, { title: "Brake Systems Day", cpd_credits: 5, ...soon() });
    const holder = await db.createUser({ full_name: "Holder Person" });
    const reg = await register(holder, eventId);
    await db.rpc(org.staff.claims, "check_in_by_token", { p_token: reg.check_in_token });
    return { org, eventId, holder, reg };
  }

  it("issues once for an attended registration; the holder or staff may ask; bulk issue returns the same", async () => {
    const { org, eventId, holder, reg } = await attendedRegistration();
    const stranger = await db.createUser();
    expect(await pgError(db.rpc(stranger.claims, "issue_certificate", { p_registration_id: reg.id }))).toMatchObject({ code: "P0002" });
    const [first] = await db.rpc<{ id: string; certificate_number: string; verification_code: string; expires_at: Date | null; holder_name: string }>(
      holder.claims,
      "issue_certificate",
      { p_registration_id: reg.id },
    );
    expect(first!.certificate_number).toMatch(/^PL-\d{4}-\d{6}$/);
    expect(first!.verification_code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(first!.expires_at).not.toBeNull();
    expect(first!.holder_name).toBe("Holder Person");
    const [second] = await db.rpc<{ id: string }>(org.staff.claims, "issue_certificate", { p_registration_id: reg.id });
    expect(second!.id).toBe(first!.id);
    const bulk = await db.rpc<{ id: string }>(org.staff.claims, "issue_event_certificates", { p_event_id: eventId });
    expect(bulk.map((c) => c.id)).toEqual([first!.id]);
    expect(await pgError(db.rpc(org.member.claims, "issue_event_certificates", { p_event_id: eventId }))).toMatchObject({ code: "P0002" });
    expect(await pgError(db.rpc(holder.claims, "issue_certificate", {}))).toMatchObject({ code: "22023" });

    // Not attended: refused.
    const absent = await register(await db.createUser(), eventId);
    expect(await pgError(db.rpc(org.staff.claims, "issue_certificate", { p_registration_id: absent.id }))).toMatchObject({
      code: "P0001",
      message: "a certificate needs a confirmed registration that was checked in",
    });
  });

  it("public verification shows holder, what, when, issuer and valid, expired or revoked — nothing else", async () => {
    const { org, holder, reg } = await attendedRegistration();
    const [cert] = await db.rpc<{ id: string; verification_code: string }>(holder.claims, "issue_certificate", { p_registration_id: reg.id });
    const verify = (code: string) => db.rpc<Record<string, unknown>>(anon, "verify_certificate", { p_code: code });
    const [valid] = await verify(cert!.verification_code.toLowerCase().replaceAll("-", " "));
    expect(Object.keys(valid!).sort()).toEqual(
      ["achieved_at", "certificate_number", "expires_at", "holder_name", "issued_at", "issuer_name", "revoked_at", "status", "title"].sort(),
    );
    expect(valid).toMatchObject({ holder_name: "Holder Person", title: "Brake Systems Day", issuer_name: "Org", status: "valid" });

    expect(await pgError(db.rpc(org.staff.claims, "set_certificate_expiry", { p_certificate_id: cert!.id, p_expires_at: null }))).toMatchObject({ code: "P0002" });
    await db.sql("update public.certificates set issued_at = now() - interval '2 days' where id = $1", [cert!.id]);
    await db.rpc(org.admin.claims, "set_certificate_expiry", { p_certificate_id: cert!.id, p_expires_at: new Date(Date.now() - 864e5).toISOString() });
    expect((await verify(cert!.verification_code))[0]!.status).toBe("expired");

    expect(await pgError(db.rpc(org.staff.claims, "revoke_certificate", { p_certificate_id: cert!.id, p_reason: "x" }))).toMatchObject({ code: "P0002" });
    expect(await pgError(db.rpc(org.admin.claims, "revoke_certificate", { p_certificate_id: cert!.id, p_reason: " " }))).toMatchObject({ code: "22023" });
    await db.rpc(org.owner.claims, "revoke_certificate", { p_certificate_id: cert!.id, p_reason: "issued in error" });
    expect((await verify(cert!.verification_code))[0]!.status).toBe("revoked");
    expect(await pgError(db.rpc(org.owner.claims, "revoke_certificate", { p_certificate_id: cert!.id, p_reason: "again" }))).toMatchObject({ code: "P0001" });

    expect(await pgError(verify("AAAA-BBBB-CCCC"))).toMatchObject({ code: "P0002" });
    expect(await pgError(verify("short"))).toMatchObject({ code: "22023" });
  });

  it("re-issues per CPD cycle; the document and the Open Badges 3.0 export are for holder and staff", async () => {
    const { org, holder, reg } = await attendedRegistration();
    const [cert] = await db.rpc<{ id: string; verification_code: string; certificate_number: string }>(holder.claims, "issue_certificate", {
      p_registration_id: reg.id,
      p_cpd_cycle: "2025",
    });
    expect(await pgError(db.rpc(holder.claims, "reissue_certificate", { p_certificate_id: cert!.id, p_cpd_cycle: "2026" }))).toMatchObject({ code: "P0002" });
    const [next] = await db.rpc<{ id: string; reissue_of: string; cpd_cycle: string; certificate_number: string }>(org.admin.claims, "reissue_certificate", {
      p_certificate_id: cert!.id,
      p_cpd_cycle: "2026",
    });
    expect(next).toMatchObject({ reissue_of: cert!.id, cpd_cycle: "2026" });
    expect(next!.certificate_number).not.toBe(cert!.certificate_number);
    expect(await pgError(db.rpc(org.admin.claims, "reissue_certificate", { p_certificate_id: cert!.id, p_cpd_cycle: "2026" }))).toMatchObject({ code: "P0001" });

    const [{ certificate_document: doc }] = (await db.rpc<{ certificate_document: Record<string, unknown> }>(holder.claims, "certificate_document", {
      p_certificate_id: cert!.id,
    })) as [{ certificate_document: Record<string, unknown> }];
    expect(doc.body).toBe(`Well done Holder Person: Brake Systems Day (${cert!.verification_code})`);
    expect(doc.verification_url).toMatch(new RegExp(`/certificates/verify/${cert!.verification_code}$`));
    expect(doc.pdf_path).toBe(`${org.id}/${cert!.id}.pdf`);
    expect(await pgError(db.rpc(org.member.claims, "certificate_document", { p_certificate_id: cert!.id }))).toMatchObject({ code: "P0002" });

    const [{ certificate_open_badge: badge }] = (await db.rpc<{ certificate_open_badge: Record<string, any> }>(org.staff.claims, "certificate_open_badge", {
      p_certificate_id: cert!.id,
    })) as [{ certificate_open_badge: Record<string, any> }];
    expect(badge["@context"]).toEqual(["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]);
    expect(badge.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(badge.issuer).toMatchObject({ type: ["Profile"], name: "Org" });
    expect(badge.credentialSubject.type).toEqual(["AchievementSubject"]);
    expect(badge.credentialSubject.achievement).toMatchObject({ type: ["Achievement"], name: "Brake Systems Day" });
    expect(badge.validFrom).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await pgError(db.rpc(anon, "certificate_open_badge", { p_certificate_id: cert!.id }))).toMatchObject({ code: "42501" });

    // The edge function's hook.
    expect(await pgError(db.rpc(holder.claims, "attach_certificate_pdf", { p_certificate_id: cert!.id, p_pdf_path: `${org.id}/${cert!.id}.pdf` }))).toMatchObject({
      code: "42501",
    });
    const [attached] = await db.rpc<{ pdf_path: string }>(serviceRole, "attach_certificate_pdf", { p_certificate_id: cert!.id, p_pdf_path: `${org.id}/${cert!.id}.pdf` });
    expect(attached!.pdf_path).toBe(`${org.id}/${cert!.id}.pdf`);
    expect(await pgError(db.rpc(serviceRole, "attach_certificate_pdf", { p_certificate_id: cert!.id, p_pdf_path: "../etc/passwd" }))).toMatchObject({ code: "22023" });
  });
});

describe("learning", () => {
  async function course(price = 0) {
    const org = await newOrganization();
    const courseId = randomUUID();
    const ids = { module: randomUUID(), l1: randomUUID(), l2: randomUUID(), assessment: randomUUID(), q1: randomUUID(), q2: randomUUID() };
    const choices = { q1a: randomUUID(), q1b: randomUUID(), q2a: randomUUID(), q2b: randomUUID(), q2c: randomUUID() };
    await db.sql(
      `insert into public.courses (id, organization_id, slug, title, status, price_amount, currency, cpd_credits) values ($1, $2, $3, 'Course', 'published', $4, $5, 3)`,
      [courseId, org.id, slug("course"), price, price ? "IDR" : null],
    );
    await db.sql(
      `insert into public.course_modules (id, course_id, title) values ('${ids.module}', '${courseId}', 'M');
       insert into public.course_lessons (id, module_id, title) values ('${ids.l1}', '${ids.module}', 'L1'), ('${ids.l2}', '${ids.module}', 'L2');
       insert into public.assessments (id, course_id, title, pass_mark_percent, max_attempts) values ('${ids.assessment}', '${courseId}', 'Quiz', 60, 2);
       insert into public.assessment_questions (id, assessment_id, prompt, kind, points) values
         ('${ids.q1}', '${ids.assessment}', 'One?', 'single_choice', 1), ('${ids.q2}', '${ids.assessment}', 'Two?', 'multiple_choice', 2);
       insert into public.assessment_choices (id, question_id, label) values
         ('${choices.q1a}', '${ids.q1}', 'a'), ('${choices.q1b}', '${ids.q1}', 'b'),
         ('${choices.q2a}', '${ids.q2}', 'a'), ('${choices.q2b}', '${ids.q2}', 'b'), ('${choices.q2c}', '${ids.q2}', 'c');
       insert into public.assessment_correct_choices (choice_id) values ('${choices.q1a}'), ('${choices.q2a}'), ('${choices.q2c}');`,
    );
    return { org, courseId, ...ids, choices };
  }

  it("enrolls free (active) and paid (pending payment until the hook), once", async () => {
    const free = await course();
    const paid = await course(250000);
    const user = await db.createUser();
    const [a] = await db.rpc<{ id: string; status: string }>(user.claims, "enroll_in_course", { p_course_id: free.courseId });
    expect(a!.status).toBe("active");
    expect(await pgError(db.rpc(user.claims, "enroll_in_course", { p_course_id: free.courseId }))).toMatchObject({ code: "P0001" });
    const [b] = await db.rpc<{ id: string; status: string; price_amount: number }>(user.claims, "enroll_in_course", { p_course_id: paid.courseId });
    expect(b).toMatchObject({ status: "pending_payment", price_amount: 250000 });
    expect(await pgError(db.rpc(user.claims, "complete_lesson", { p_lesson_id: paid.l1 }))).toMatchObject({ code: "42501" });
    expect(await pgError(db.rpc(user.claims, "confirm_course_enrollment_payment", { p_enrollment_id: b!.id, p_payment_reference: "x" }))).toMatchObject({
      code: "42501",
    });
    const [active] = await db.rpc<{ status: string }>(serviceRole, "confirm_course_enrollment_payment", { p_enrollment_id: b!.id, p_payment_reference: "pi_1" });
    expect(active!.status).toBe("active");
    // Paid: only its refund path cancels it (tests/payments/paid-cancellations.test.ts).
    expect(await pgError(db.rpc(user.claims, "cancel_course_enrollment", { p_enrollment_id: b!.id }))).toMatchObject({ code: "PT409" });
    const draftId = randomUUID();
    await db.sql("insert into public.courses (id, organization_id, slug, title) values ($1, $2, $3, 'Draft')", [draftId, free.org.id, slug("draft")]);
    expect(await pgError(db.rpc(user.claims, "enroll_in_course", { p_course_id: draftId }))).toMatchObject({ code: "P0002" });
  });

  it("grades attempts in the database without revealing answers; limits attempts; completes the course and earns credits", async () => {
    const c = await course();
    const learner = await db.createUser();
    const [enrollment] = await db.rpc<{ id: string }>(learner.claims, "enroll_in_course", { p_course_id: c.courseId });
    // The answer key is invisible to the learner, the choices are not.
    expect(await db.query(learner.claims, "select 1 from public.assessment_choices where question_id = $1", [c.q2])).toHaveLength(3);
    expect(await db.query(learner.claims, "select 1 from public.assessment_correct_choices where question_id = $1", [c.q2])).toHaveLength(0);

    const submit = (answers: Record<string, string[]>) =>
      db.rpc<{ score_points: number; max_points: number; score_percent: string; passed: boolean; attempt_number: number }>(learner.claims, "submit_assessment_attempt", {
        p_assessment_id: c.assessment,
        p_answers: JSON.stringify(answers),
      });
    expect(await pgError(submit({ [c.q1]: [c.choices.q1a, c.choices.q1b] }))).toMatchObject({ code: "22023" });
    expect(await pgError(submit({ [c.q1]: [c.choices.q2a] }))).toMatchObject({ code: "22023" });
    expect(await pgError(submit({ [randomUUID()]: [] }))).toMatchObject({ code: "22023" });
    // Partly right on the multiple choice question scores nothing for it: 1 of 3 points.
    const [first] = await submit({ [c.q1]: [c.choices.q1a], [c.q2]: [c.choices.q2a] });
    expect(first).toMatchObject({ score_points: 1, max_points: 3, passed: false, attempt_number: 1 });
    expect(Object.keys(first!)).not.toContain("correct");
    const [second] = await submit({ [c.q1]: [c.choices.q1a], [c.q2]: [c.choices.q2c, c.choices.q2a] });
    expect(second).toMatchObject({ score_points: 3, passed: true, attempt_number: 2 });
    expect(await pgError(submit({}))).toMatchObject({ code: "P0001", message: "you have already passed this assessment" });

    // Lessons: the course completes with the last one, and the credits are in the ledger.
    const [afterOne] = await db.rpc<{ status: string; lessons_completed: number }>(learner.claims, "complete_lesson", { p_lesson_id: c.l1 });
    expect(afterOne).toMatchObject({ status: "active", lessons_completed: 1 });
    await db.rpc(learner.claims, "complete_lesson", { p_lesson_id: c.l1 });
    const [done] = await db.rpc<{ status: string; lessons_completed: number }>(learner.claims, "complete_lesson", { p_lesson_id: c.l2 });
    expect(done).toMatchObject({ status: "completed", lessons_completed: 2 });
    expect(await db.query(learner.claims, "select source, credits::float as credits from public.cpd_credit_entries where enrollment_id = $1", [enrollment!.id])).toEqual([
      { source: "course_completion", credits: 3 },
    ]);
    const [cert] = await db.rpc<{ title: string }>(learner.claims, "issue_certificate", { p_enrollment_id: enrollment!.id });
    expect(cert!.title).toBe("Course");

    // Another learner runs out of attempts.
    const other = await db.createUser();
    await db.rpc(other.claims, "enroll_in_course", { p_course_id: c.courseId });
    for (let i = 0; i < 2; i++) {
      await db.rpc(other.claims, "submit_assessment_attempt", { p_assessment_id: c.assessment, p_answers: "{}" });
    }
    expect(await pgError(db.rpc(other.claims, "submit_assessment_attempt", { p_assessment_id: c.assessment, p_answers: "{}" }))).toMatchObject({
      code: "P0001",
      message: "no attempts left for this assessment",
    });
    const outsider = await db.createUser();
    expect(await pgError(db.rpc(outsider.claims, "submit_assessment_attempt", { p_assessment_id: c.assessment, p_answers: "{}" }))).toMatchObject({ code: "42501" });
  });

  it("learning paths show the caller's progress course by course", async () => {
    const c = await course();
    const pathId = randomUUID();
    await db.sql("insert into public.learning_paths (id, organization_id, slug, title, status) values ($1, $2, $3, 'Path', 'published')", [pathId, c.org.id, slug("path")]);
    await db.sql("insert into public.learning_path_courses (learning_path_id, course_id, position) values ($1, $2, 1)", [pathId, c.courseId]);
    const other = await course();
    expect(
      await pgError(db.sql("insert into public.learning_path_courses (learning_path_id, course_id) values ($1, $2)", [pathId, other.courseId])),
    ).toMatchObject({ code: "P0001" });
    const learner = await db.createUser();
    expect(await db.rpc(learner.claims, "learning_path_progress", { p_learning_path_id: pathId })).toMatchObject([{ course_id: c.courseId, enrollment_status: null }]);
    await db.rpc(learner.claims, "enroll_in_course", { p_course_id: c.courseId });
    await db.rpc(learner.claims, "complete_lesson", { p_lesson_id: c.l1 });
    expect(await db.rpc(learner.claims, "learning_path_progress", { p_learning_path_id: pathId })).toMatchObject([
      { course_id: c.courseId, enrollment_status: "active", lessons_completed: 1, lesson_count: 2 },
    ]);
  });
});

describe("CPD credits", () => {
  it("totals per period and CSV exports for the member and the organization", async () => {
    const org = await newOrganization();
    const member = await db.createUser({ full_name: 'Member, "Quoted"' });
    await db.sql(
      `insert into public.cpd_credit_entries (user_id, activity_title, credits, earned_at) values
         ($1, '=HYPERLINK("x")', 1.5, '2024-03-10T10:00:00Z'), ($1, 'Seminar', 2, '2024-11-01T10:00:00Z'), ($1, 'Workshop', 3, '2025-01-15T10:00:00Z')`,
      [member.id],
    );
    const eventId = await newEvent(org.id, { cpd_credits: 4, title: "Org event", ...soon() });
    const reg = await register(member, eventId);
    await db.rpc(org.staff.claims, "check_in_by_token", { p_token: reg.check_in_token });

    const years = await db.rpc<{ period_start: Date; credits: string; entry_count: number }>(member.claims, "cpd_credit_totals", {
      p_period: "year",
      p_to: "2026-01-01T00:00:00Z",
    });
    expect(years.map((y) => [new Date(y.period_start).getFullYear(), Number(y.credits)])).toEqual([
      [2024, 3.5],
      [2025, 3],
    ]);
    const quarters = await db.rpc<{ credits: string }>(member.claims, "cpd_credit_totals", { p_period: "quarter", p_from: "2024-01-01T00:00:00Z", p_to: "2025-01-01T00:00:00Z" });
    expect(quarters.map((r) => Number(r.credits))).toEqual([1.5, 2]);
    const all = await db.rpc<{ credits: string; event_credits: string }>(member.claims, "cpd_credit_totals", { p_period: "year", p_from: "2025-06-01T00:00:00Z" });
    expect(Number(all.at(-1)!.event_credits)).toBe(4);
    expect(await pgError(db.rpc(member.claims, "cpd_credit_totals", { p_period: "week" }))).toMatchObject({ code: "22023" });
    expect(await pgError(db.rpc(anon, "cpd_credit_totals", {}))).toMatchObject({ code: "42501" });

    const [{ export_cpd_credits_csv: csv }] = (await db.rpc<{ export_cpd_credits_csv: string }>(member.claims, "export_cpd_credits_csv", {})) as [
      { export_cpd_credits_csv: string },
    ];
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("earned_at,activity,provider,source,category,credits,certificate_number");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toBe(`2024-03-10T10:00:00Z,"'=HYPERLINK(""x"")",,self_reported,,1.5,`);

    const [{ export_organization_cpd_credits_csv: orgCsv }] = (await db.rpc<{ export_organization_cpd_credits_csv: string }>(
      org.admin.claims,
      "export_organization_cpd_credits_csv",
      { p_organization_id: org.id },
    )) as [{ export_organization_cpd_credits_csv: string }];
    const orgLines = orgCsv.trimEnd().split("\r\n");
    expect(orgLines).toHaveLength(2);
    expect(orgLines[1]).toContain(`${member.id},"Member, ""Quoted""","Org event",event_attendance,,4`);
    expect(await pgError(db.rpc(org.staff.claims, "export_organization_cpd_credits_csv", { p_organization_id: org.id }))).toMatchObject({ code: "42501" });
  });
});

describe("seed", () => {
  it("has two organizations with every role, the five kinds of events, a course with an assessment and certificates", async () => {
    const orgs = await db.sql<{ slug: string; roles: string[]; pic: number }>(
      `select o.slug, array_agg(distinct m.role::text order by m.role::text) as roles, count(*) filter (where m.is_person_in_charge)::int as pic
       from public.organizations o join public.organization_members m on m.organization_id = o.id
       where o.slug in ('nusantara-motor-club', 'automotive-skills-academy')
       group by o.slug order by o.slug`,
    );
    expect(orgs).toEqual([
      { slug: "automotive-skills-academy", roles: ["admin", "member", "owner", "staff"], pic: 1 },
      { slug: "nusantara-motor-club", roles: ["admin", "member", "owner", "staff"], pic: 1 },
    ]);
    const events = await db.sql<{ slug: string; status: string; is_free: boolean; capacity: number; confirmed_count: number; held_count: number; waitlist_count: number; sessions: number }>(
      `select e.slug, e.status, e.is_free, e.capacity, e.confirmed_count, e.held_count, e.waitlist_count, (select count(*)::int from public.event_sessions s where s.event_id = e.id) as sessions
       from public.events e where e.organization_id in (select id from public.organizations where slug in ('nusantara-motor-club', 'automotive-skills-academy'))`,
    );
    const bySlug = Object.fromEntries(events.map((e) => [e.slug, e]));
    expect(bySlug["ev-battery-safety-workshop"]).toMatchObject({ status: "draft" });
    expect(bySlug["club-meetup-next-month"]).toMatchObject({ status: "published", is_free: true, confirmed_count: 5 });
    expect(bySlug["hybrid-powertrain-masterclass"]).toMatchObject({ is_free: false, confirmed_count: 1, held_count: 1 });
    expect(bySlug["track-day-safety-briefing"]).toMatchObject({ capacity: 3, confirmed_count: 3, waitlist_count: 2 });
    expect(bySlug["diagnostics-bootcamp"]).toMatchObject({ status: "completed", sessions: 3 });

    const [course] = await db.sql<{ questions: number; completed: number }>(
      `select (select count(*)::int from public.assessment_questions q join public.assessments a on a.id = q.assessment_id where a.course_id = c.id) as questions,
              (select count(*)::int from public.course_enrollments e where e.course_id = c.id and e.status = 'completed') as completed
       from public.courses c where c.slug = 'hybrid-systems-fundamentals'`,
    );
    expect(course).toEqual({ questions: 3, completed: 1 });

    const certs = await db.sql<{ code: string }>(
      `select verification_code as code from public.certificates
       where organization_id in (select id from public.organizations where slug in ('nusantara-motor-club', 'automotive-skills-academy'))`,
    );
    expect(certs.length).toBeGreaterThanOrEqual(5);
    const statuses = new Set<string>();
    for (const { code } of certs) statuses.add((await db.rpc<{ status: string }>(anon, "verify_certificate", { p_code: code }))[0]!.status);
    expect([...statuses].sort()).toEqual(["expired", "revoked", "valid"]);

    // The demo accounts can be signed into (bcrypt password) and the platform admin is one.
    const [admin] = await db.sql<{ ok: boolean; is_admin: boolean }>(
      `select u.encrypted_password = extensions.crypt('pitlane-demo', u.encrypted_password) as ok,
              exists (select 1 from public.platform_admins p where p.user_id = u.id) as is_admin
       from auth.users u where u.email = 'admin@pitlane.test'`,
    );
    expect(admin).toEqual({ ok: true, is_admin: true });
  });
});
