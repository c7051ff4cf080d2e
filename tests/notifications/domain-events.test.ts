// Each event of the existing domains, caused as its real caller causes it (the RPCs, the payment
// webhooks' apply_provider_event, the scheduled jobs), gives exactly the expected in-app
// notification and email (0020_domain_notifications).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  domainStack,
  serviceRole,
  slug,
  type Db,
  type DomainStack,
  type User,
} from "../domain/helpers.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

interface Said {
  type: string;
  title: string;
  subject_kind: string | null;
  subject_id: string | null;
  action_url: string | null;
  data: any;
}

const notificationsOf = (userId: string) =>
  db.sql<Said>(
    "select type, title, subject_kind, subject_id, action_url, data from public.notifications where user_id = $1 order by created_at, id",
    [userId],
  );
const emailsTo = (address: string) =>
  db.sql<{ template: string; user_id: string | null; status: string; data: any }>(
    "select template, user_id, status, data from public.email_outbox where to_email = $1 order by id",
    [address],
  );
const typesOf = async (user: User) => (await notificationsOf(user.id)).map((n) => n.type);
const templatesTo = async (user: User) => (await emailsTo(user.email)).map((e) => e.template);

async function newOrganization(): Promise<{ id: string; owner: User }> {
  const owner = await db.createUser({ full_name: "Owner" });
  const [org] = await db.query<{ id: string }>(
    owner.claims,
    "insert into public.organizations (slug, display_name, city) values ($1, 'Notify Club', 'Jakarta') returning id",
    [slug("org")],
  );
  return { id: org!.id, owner };
}

async function newEvent(
  organizationId: string,
  capacity: number,
): Promise<{ id: string; slug: string }> {
  const eventSlug = slug("event");
  const [event] = await db.sql<{ id: string }>(
    `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, capacity, status)
     values ($1, $2, 'Track day', 'Sentul', now() + interval '7 days', now() + interval '7 days 4 hours', $3, 'published') returning id`,
    [organizationId, eventSlug, capacity],
  );
  return { id: event!.id, slug: eventSlug };
}

const register = async (user: User, eventId: string) =>
  (
    await db.rpc<{ id: string; status: string }>(user.claims, "register_for_event", {
      p_event_id: eventId,
    })
  )[0]!;

describe("registrations", () => {
  it("confirmed, waitlisted, offered a seat, offer expired and cancelled: one notification and one email each", async () => {
    const org = await newOrganization();
    const event = await newEvent(org.id, 1);
    const first = await db.createUser();
    const second = await db.createUser();
    const third = await db.createUser();

    const firstReg = await register(first, event.id);
    expect(await notificationsOf(first.id)).toEqual([
      {
        type: "registration_confirmed",
        title: "You're registered for Track day",
        subject_kind: "event_registration",
        subject_id: firstReg.id,
        action_url: `/events/${event.slug}`,
        data: expect.objectContaining({
          event_id: event.id,
          event_title: "Track day",
          registration_id: firstReg.id,
        }),
      },
    ]);
    expect(await templatesTo(first)).toEqual(["registration_confirmed"]);

    await register(second, event.id);
    await register(third, event.id);
    expect(await typesOf(second)).toEqual(["registration_waitlisted"]);
    expect(await templatesTo(third)).toEqual(["registration_waitlisted"]);

    // The first cancels: they are told, and the seat is offered to the second.
    await db.rpc(first.claims, "cancel_registration", {
      p_registration_id: firstReg.id,
      p_reason: "cannot come",
    });
    expect(await typesOf(first)).toEqual(["registration_confirmed", "registration_cancelled"]);
    expect(await templatesTo(first)).toEqual(["registration_confirmed", "registration_cancelled"]);
    expect(await typesOf(second)).toEqual(["registration_waitlisted", "registration_offered"]);
    const [offered] = (await notificationsOf(second.id)).slice(-1);
    expect(offered!.data.offer_expires_at).not.toBeNull();

    // The offer runs out (the every-minute job): expired for the second, offered to the third.
    await db.sql(
      "update public.event_registrations set offer_expires_at = now() - interval '1 second' where user_id = $1 and status = 'offered'",
      [second.id],
    );
    await db.rpc(serviceRole, "process_expired_registrations");
    expect(await typesOf(second)).toEqual([
      "registration_waitlisted",
      "registration_offered",
      "registration_offer_expired",
    ]);
    expect(await templatesTo(second)).toEqual([
      "registration_waitlisted",
      "registration_offered",
      "registration_offer_expired",
    ]);
    expect(await typesOf(third)).toEqual(["registration_waitlisted", "registration_offered"]);

    // The third claims it: confirmed.
    const [thirdReg] = await db.sql<{ id: string }>(
      "select id from public.event_registrations where user_id = $1",
      [third.id],
    );
    await db.rpc(third.claims, "claim_waitlist_offer", { p_registration_id: thirdReg!.id });
    expect(await typesOf(third)).toEqual([
      "registration_waitlisted",
      "registration_offered",
      "registration_confirmed",
    ]);
  });
});

describe("learning and certificates", () => {
  it("course completed; certificate issued and revoked", async () => {
    const org = await newOrganization();
    const learner = await db.createUser();
    const event = await newEvent(org.id, 10);
    const registration = await register(learner, event.id);
    const [course] = await db.sql<{ id: string; slug: string }>(
      "insert into public.courses (organization_id, slug, title, status) values ($1, $2, 'Brake basics', 'published') returning id, slug",
      [org.id, slug("course")],
    );
    const [enrollment] = await db.rpc<{ id: string }>(learner.claims, "enroll_in_course", {
      p_course_id: course!.id,
    });
    await db.sql(
      "update public.course_enrollments set status = 'completed', completed_at = now() where id = $1",
      [enrollment!.id],
    );
    await db.sql("update public.course_enrollments set lessons_completed = 1 where id = $1", [
      enrollment!.id,
    ]);
    const completed = (await notificationsOf(learner.id)).filter(
      (n) => n.type === "course_completed",
    );
    expect(completed).toEqual([
      expect.objectContaining({
        title: "You completed Brake basics",
        subject_id: enrollment!.id,
        action_url: `/courses/${course!.slug}`,
      }),
    ]);

    await db.sql("update public.event_registrations set attended_at = now() where id = $1", [
      registration.id,
    ]);
    const [certificate] = await db.query<{ id: string; certificate_number: string }>(
      org.owner.claims,
      "select * from public.issue_certificate(p_registration_id => $1)",
      [registration.id],
    );
    await db.rpc(org.owner.claims, "revoke_certificate", {
      p_certificate_id: certificate!.id,
      p_reason: "issued in error",
    });
    const certificates = (await notificationsOf(learner.id)).filter(
      (n) => n.subject_kind === "certificate",
    );
    expect(certificates.map((n) => [n.type, n.subject_id])).toEqual([
      ["certificate_issued", certificate!.id],
      ["certificate_revoked", certificate!.id],
    ]);
    expect(certificates[1]!.data).toMatchObject({
      certificate_number: certificate!.certificate_number,
      reason: "issued in error",
    });
    expect(await templatesTo(learner)).toEqual([
      "registration_confirmed",
      "course_completed",
      "certificate_issued",
      "certificate_revoked",
    ]);
  });
});

describe("invoices", () => {
  async function newInvoice(user: User, expiresIn = "1 day", createdAgo = "0 seconds") {
    const [invoice] = await db.sql<{ id: string; number: string }>(
      "insert into public.invoices (user_id, currency, description, expires_at, created_at) values ($1, 'IDR', 'Membership', now() + $2::interval, now() - $3::interval) returning id, number",
      [user.id, expiresIn, createdAgo],
    );
    return invoice!;
  }
  const providerEvent = (action: Record<string, unknown>) =>
    db.rpc(serviceRole, "apply_provider_event", {
      p_provider: "manual",
      p_event_id: slug("evt"),
      p_event_type: "test",
      p_payload: {},
      p_action: action,
    });

  it("payment failed, paid and refunded: essential emails, in-app as preferred", async () => {
    const payer = await db.createUser();
    // Turning off in-app receipts leaves the (essential) email.
    await db.rpc(payer.claims, "set_notification_preference", {
      p_type: "invoice_paid",
      p_in_app: false,
    });
    const invoice = await newInvoice(payer);
    await providerEvent({ kind: "failed", invoice_id: invoice.id, status_desc: "card declined" });
    await providerEvent({
      kind: "payment",
      invoice_id: invoice.id,
      amount: 0,
      currency: "IDR",
      provider_payment_id: slug("pay"),
    });
    // Refunds are recorded by the payments domain; the trigger sees the invoice's new amounts.
    await db.sql(
      "update public.invoices set amount_paid = 150000, amount_refunded = 50000, status = 'partially_refunded' where id = $1",
      [invoice.id],
    );
    expect((await notificationsOf(payer.id)).map((n) => [n.type, n.title])).toEqual([
      ["invoice_payment_failed", `Payment failed for invoice ${invoice.number}`],
      ["invoice_refunded", `Refund for invoice ${invoice.number}`],
    ]);
    const emails = await emailsTo(payer.email);
    expect(emails.map((e) => e.template)).toEqual([
      "invoice_payment_failed",
      "invoice_paid",
      "invoice_refunded",
    ]);
    expect(emails[2]!.data).toMatchObject({
      invoice_number: invoice.number,
      amount_refunded: 50000,
      formatted_refund: "IDR 50,000",
      unsubscribe_token: null,
    });
  });

  it("an open invoice about to expire is reminded once", async () => {
    const payer = await db.createUser();
    const soon = await newInvoice(payer, "30 minutes", "3 hours");
    await newInvoice(payer, "20 hours");
    await db.sql("select private.notify_expiring_invoices()");
    await db.sql("select private.notify_expiring_invoices()");
    expect((await notificationsOf(payer.id)).map((n) => [n.type, n.subject_id])).toEqual([
      ["invoice_expiring", soon.id],
    ]);
    expect(await templatesTo(payer)).toEqual(["invoice_expiring"]);
  });
});

describe("organization invitations", () => {
  it("an invitation by email notifies an existing account and emails the accept link; a new address gets the email only", async () => {
    const org = await newOrganization();
    const invitee = await db.createUser();
    const [invitation] = await db.rpc<{ id: string; code: string }>(
      org.owner.claims,
      "create_organization_invitation",
      {
        p_organization_id: org.id,
        p_email: invitee.email,
        p_message: "Join the club",
      },
    );
    expect(await notificationsOf(invitee.id)).toEqual([
      {
        type: "invitation_received",
        title: "You're invited to join Notify Club",
        subject_kind: "organization_invitation",
        subject_id: invitation!.id,
        action_url: `/invitations/accept?code=${invitation!.code}`,
        data: expect.objectContaining({
          organization_name: "Notify Club",
          code: invitation!.code,
          role: "member",
          invited_by: "Owner",
        }),
      },
    ]);
    expect((await emailsTo(invitee.email)).map((e) => [e.template, e.user_id])).toEqual([
      ["invitation_received", invitee.id],
    ]);

    const stranger = `${slug("stranger")}@example.test`;
    const [second] = await db.rpc<{ code: string }>(
      org.owner.claims,
      "create_organization_invitation",
      { p_organization_id: org.id, p_email: stranger },
    );
    const [email] = await emailsTo(stranger);
    expect(email).toMatchObject({
      template: "invitation_received",
      user_id: null,
      status: "pending",
    });
    expect(email!.data).toMatchObject({
      code: second!.code,
      accept_path: `/invitations/accept?code=${second!.code}`,
      organization_name: "Notify Club",
    });
    // A code-only invitation tells nobody.
    await db.rpc(org.owner.claims, "create_organization_invitation", { p_organization_id: org.id });
    expect(
      (
        await db.sql(
          "select count(*)::int as n from public.email_outbox where template = 'invitation_received' and data ->> 'organization_id' = $1",
          [org.id],
        )
      )[0]!.n,
    ).toBe(2);
  });
});
