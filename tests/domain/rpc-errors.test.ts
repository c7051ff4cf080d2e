// The HTTP status of every refusal of every RPC in sql/ (sql/README.md, "Errors"): a table of
// bad calls — unknown ids, someone else's object, a wrong state, bad arguments, anon where a
// sign-in is needed, an app calling a service-role hook — each made through supabase-js against
// the stack as its real caller, with the status and SQLSTATE PostgREST answers. Not found is 404
// (PT404, also for an object the caller may not see), not allowed 401/403 (42501), a conflict
// with the object's state 409 (PT409), a bad argument 400 (22023 or PostgreSQL's own class 22).
// None of them may be a 500. A guard fails when a public function has no row here.

import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stack as stackInfo } from "../helpers/db.ts";
import { signJwt, supabaseClient } from "../helpers/supabase.ts";
import { randomVin } from "../service/helpers.ts";
import { domainStack, type DomainStack } from "./helpers.ts";
import { buildWorld, roles, type Role, type World } from "./world.ts";

let stack: DomainStack;
let w: World;
/** What the rows refer to beyond the world: a code, tickets, invoices in two states. */
interface Extra {
  invitationCode: string;
  ticketOfOther: string;
  ticketOfCancelled: string;
  openInvoice: string;
  paidInvoice: string;
  /** The member's car with a linked dongle, and the unrelated person's car. */
  vehicle: string;
  otherVehicle: string;
  dongle: string;
  dongleSerial: string;
  /** A service location of organization A (one bay), the member's booked and cancelled appointments. */
  location: string;
  appointment: string;
  appointmentStart: string;
  cancelledAppointment: string;
  /** The forum's: the member's open thread and response, a closed thread's response, the staff member's approved expert application. */
  forumThread: string;
  forumResponse: string;
  closedThreadResponse: string;
  approvedApplication: string;
}
let x: Extra;
const clients = {} as Record<Role, SupabaseClient>;

beforeAll(async () => {
  stack = await domainStack();
  w = await buildWorld(stack.db);
  const { anonKey, serviceRoleKey } = stackInfo();
  for (const role of roles) {
    if (role === "anon") clients[role] = supabaseClient(anonKey);
    else if (role === "service_role") clients[role] = supabaseClient(serviceRoleKey);
    else
      clients[role] = supabaseClient(anonKey, {
        accessToken: await signJwt({
          ...w.claims[role],
          exp: Math.floor(Date.now() / 1000) + 3600,
        }),
      });
  }

  const db = stack.db;
  const [invitation] = await db.sql<{ code: string }>(
    "select code from public.organization_invitations where id = $1",
    [w.codeInvitation],
  );
  const tickets = await db.sql<{ id: string; check_in_token: string }>(
    "select id, check_in_token from public.event_registrations where id in ($1, $2)",
    [w.registration2, w.cancelledRegistration],
  );
  const ticket = (id: string) => tickets.find((t) => t.id === id)!.check_in_token;

  // A paid event of organization A: the member's invoice stays open, the other person's is paid.
  const paidEvent = randomUUID();
  await db.sql(
    `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, capacity, price_amount, currency, refund_cutoff_hours, status)
     values ($1, $2, $3, 'Paid errors event', 'Hall', now() + interval '10 days', now() + interval '10 days 4 hours', 10, 5000, 'USD', 24, 'published')`,
    [paidEvent, w.orgA, `errors-paid-${paidEvent.slice(0, 8)}`],
  );
  const invoiceFor = async (claims: World["claims"][Role]) => {
    const [registration] = await db.rpc<{ id: string }>(claims, "register_for_event", {
      p_event_id: paidEvent,
    });
    const [invoice] = await db.rpc<{ id: string }>(claims, "checkout_event_registration", {
      p_registration_id: registration!.id,
    });
    return invoice!.id;
  };
  const openInvoice = await invoiceFor(w.claims.member);
  const paidInvoice = await invoiceFor(w.users.other.claims);
  await db.rpc(w.claims.platform_admin, "record_manual_payment", {
    p_invoice_id: paidInvoice,
    p_reference: "bank transfer 1",
  });

  // Service membership: a car each for the member and the unrelated person, a dongle on the
  // member's car, a one-bay location of organization A open every day, an appointment the day
  // after tomorrow and a cancelled one.
  const vehicleOf = async (ownerId: string) => {
    const [vehicle] = await db.sql<{ id: string }>(
      `insert into public.vehicles (owner_id, vin, make, model, year, odometer)
       values ($1, $2, 'Honda', 'Civic', 2020, 1000) returning id`,
      [ownerId, randomVin()],
    );
    return vehicle!.id;
  };
  const vehicle = await vehicleOf(w.users.member.id);
  const otherVehicle = await vehicleOf(w.users.unrelated.id);
  const dongleSerial = `ERR-${randomUUID().slice(0, 8)}`;
  const [dongle] = await db.rpc<{ id: string }>(w.claims.member, "link_dongle", {
    p_vehicle_id: vehicle,
    p_serial: dongleSerial,
    p_connection_type: "BLE",
  });
  const [location] = await db.sql<{ id: string }>(
    `insert into public.service_locations (organization_id, name, address_line1, city, country_code, time_zone, currency, lead_time_minutes, booking_horizon_days)
     values ($1, 'Errors Garage', '1 Main St', 'Springfield', 'US', 'UTC', 'USD', 60, 60) returning id`,
    [w.orgA],
  );
  await db.sql(
    `insert into public.service_location_hours (location_id, weekday, opens_at, closes_at)
     select $1, d, '08:00', '18:00' from generate_series(1, 7) d`,
    [location!.id],
  );
  await db.sql("insert into public.service_bays (location_id, name) values ($1, 'Bay 1')", [
    location!.id,
  ]);
  await db.sql(
    `insert into public.location_services (location_id, code, name, duration_minutes, price_amount)
     values ($1, 'oil_change', 'Oil change', 30, 4999)`,
    [location!.id],
  );
  const [times] = await db.sql<{ booked: Date; cancelled: Date }>(
    `select current_date + 2 + time '10:00' at time zone 'UTC' as booked,
            current_date + 2 + time '14:00' at time zone 'UTC' as cancelled`,
  );
  const book = async (startsAt: Date) => {
    const [appointment] = await db.rpc<{ id: string }>(w.claims.member, "book_appointment", {
      p_vehicle_id: vehicle,
      p_location_id: location!.id,
      p_starts_at: startsAt,
      p_service_codes: ["oil_change"],
    });
    return appointment!.id;
  };
  const appointment = await book(times!.booked);
  const cancelledAppointment = await book(times!.cancelled);
  await db.rpc(w.claims.member, "cancel_appointment", { p_appointment_id: cancelledAppointment });

  const forum = await forumFixtures(db, w);

  x = {
    ...forum,
    vehicle,
    otherVehicle,
    dongle: dongle!.id,
    dongleSerial,
    location: location!.id,
    appointment,
    appointmentStart: times!.booked.toISOString(),
    cancelledAppointment,
    invitationCode: invitation!.code,
    ticketOfOther: ticket(w.registration2),
    ticketOfCancelled: ticket(w.cancelledRegistration),
    openInvoice,
    paidInvoice,
  };
});

afterAll(async () => {
  await stack?.stop();
});

/** A category, the member's open thread with their response, a closed thread, an approved expert (staff) and a flag by the unrelated person. */
async function forumFixtures(db: DomainStack["db"], w: World) {
  const [category] = await db.sql<{ id: string }>(
    `insert into public.forum_categories (name, slug) values ('Errors', $1) returning id`,
    [`errors-${randomUUID().slice(0, 8)}`],
  );
  const [open, closed] = await db.sql<{ id: string }>(
    `insert into public.forum_threads (category_id, author_id, title, body, status) values ($1, $2, 'Open thread', 'Body', 'open'), ($1, $2, 'Closed thread', 'Body', 'closed') returning id`,
    [category!.id, w.users.member.id],
  );
  const [response] = await db.sql<{ id: string }>(
    `insert into public.forum_responses (thread_id, author_id, body) values ($1, $2, 'An answer') returning id`,
    [open!.id, w.users.member.id],
  );
  // Responses to closed threads exist from before they were closed.
  await db.sql(`update public.forum_threads set status = 'open' where id = $1`, [closed!.id]);
  const [late] = await db.sql<{ id: string }>(
    `insert into public.forum_responses (thread_id, author_id, body) values ($1, $2, 'Before closing') returning id`,
    [closed!.id, w.users.other.id],
  );
  await db.sql(`update public.forum_threads set status = 'closed' where id = $1`, [closed!.id]);
  const [application] = await db.sql<{ id: string }>(
    `insert into public.expert_verifications (user_id, expertise_areas, years_of_experience, status) values ($1, '{errors}', 3, 'approved') returning id`,
    [w.users.staff.id],
  );
  await db.sql(
    `insert into public.content_flags (target_kind, target_id, flagged_by, reason, weight) values ('forum_thread', $1, $2, 'spam', 1)`,
    [open!.id, w.users.unrelated.id],
  );
  return {
    forumThread: open!.id,
    forumResponse: response!.id,
    closedThreadResponse: late!.id,
    approvedApplication: application!.id,
  };
}

interface BadCall {
  /** What is wrong, in words. */
  case: string;
  as: Role;
  args: (w: World, x: Extra) => Record<string, unknown>;
  status: 400 | 401 | 403 | 404 | 409;
  code: string;
}

const unknown = randomUUID();
const notFound = { status: 404, code: "PT404" } as const;
const conflict = { status: 409, code: "PT409" } as const;
const badArgument = { status: 400, code: "22023" } as const;
/** 42501: PostgREST answers 401 to anon (sign in first) and 403 to anyone signed in. */
const signInFirst = { status: 401, code: "42501" } as const;
const forbidden = { status: 403, code: "42501" } as const;
const none = () => ({});

/** A valid telemetry batch of one sample for a vehicle: each bad call spoils one part. */
const telemetryBatch = (vehicleId: string) => ({
  p_vehicle_id: vehicleId,
  p_idempotency_key: "errors-batch",
  p_started_at: "2026-01-01T00:00:00Z",
  p_ended_at: "2026-01-01T00:10:00Z",
  p_samples: [{ t: Date.parse("2026-01-01T00:05:00Z"), speed: 50, fuelRate: 5, odometer: 1001 }],
});

/** Every public RPC with the bad calls it must refuse. */
const table: Record<string, BadCall[]> = {
  // 0002 organizations
  create_organization_invitation: [
    {
      case: "unknown organization",
      as: "unrelated",
      args: () => ({ p_organization_id: unknown }),
      ...notFound,
    },
    {
      case: "a plain member invites",
      as: "member",
      args: (w) => ({ p_organization_id: w.orgA }),
      ...forbidden,
    },
    {
      case: "an invitation to be owner",
      as: "admin",
      args: (w) => ({ p_organization_id: w.orgA, p_role: "owner" }),
      ...badArgument,
    },
    {
      case: "an invitation for a member",
      as: "admin",
      args: (w) => ({ p_organization_id: w.orgA, p_email: w.users.member.email }),
      ...conflict,
    },
    {
      case: "more than 90 days",
      as: "admin",
      args: (w) => ({ p_organization_id: w.orgA, p_expires_in: "100 days" }),
      ...badArgument,
    },
    { case: "anon", as: "anon", args: (w) => ({ p_organization_id: w.orgA }), ...signInFirst },
  ],
  accept_organization_invitation: [
    { case: "mistyped code", as: "unrelated", args: () => ({ p_code: "ZZZZZZZZZZ" }), ...notFound },
    {
      case: "already a member",
      as: "member",
      args: (_, x) => ({ p_code: x.invitationCode }),
      ...conflict,
    },
    { case: "anon", as: "anon", args: (_, x) => ({ p_code: x.invitationCode }), ...signInFirst },
  ],
  decline_organization_invitation: [
    { case: "mistyped code", as: "unrelated", args: () => ({ p_code: "ZZZZZZZZZZ" }), ...notFound },
    { case: "anon", as: "anon", args: (_, x) => ({ p_code: x.invitationCode }), ...signInFirst },
  ],
  set_person_in_charge: [
    {
      case: "a plain member",
      as: "member",
      args: (w) => ({ p_organization_id: w.orgA, p_user_id: w.users.member.id }),
      ...forbidden,
    },
    {
      case: "not a member",
      as: "admin",
      args: (w) => ({ p_organization_id: w.orgA, p_user_id: w.users.unrelated.id }),
      ...notFound,
    },
  ],
  // 0004 event registrations
  register_for_event: [
    { case: "unknown event", as: "unrelated", args: () => ({ p_event_id: unknown }), ...notFound },
    {
      case: "a draft event",
      as: "unrelated",
      args: (w) => ({ p_event_id: w.eventDraft }),
      ...notFound,
    },
    {
      case: "already registered",
      as: "member",
      args: (w) => ({ p_event_id: w.eventPub }),
      ...conflict,
    },
    {
      case: "invited by oneself",
      as: "unrelated",
      args: (w) => ({ p_event_id: w.eventPub, p_invited_by: w.users.unrelated.id }),
      ...badArgument,
    },
    {
      case: "unknown inviter",
      as: "unrelated",
      args: (w) => ({ p_event_id: w.eventPub, p_invited_by: unknown }),
      ...notFound,
    },
    {
      case: "not a uuid",
      as: "unrelated",
      args: () => ({ p_event_id: "42" }),
      status: 400,
      code: "22P02",
    },
    { case: "anon", as: "anon", args: (w) => ({ p_event_id: w.eventPub }), ...signInFirst },
  ],
  cancel_registration: [
    {
      case: "unknown registration",
      as: "member",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_registration_id: w.registration }),
      ...notFound,
    },
    {
      case: "already cancelled",
      as: "staff",
      args: (w) => ({ p_registration_id: w.cancelledRegistration }),
      ...conflict,
    },
    {
      case: "anon",
      as: "anon",
      args: (w) => ({ p_registration_id: w.registration }),
      ...signInFirst,
    },
  ],
  claim_waitlist_offer: [
    {
      case: "unknown registration",
      as: "member",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's offer",
      as: "unrelated",
      args: (w) => ({ p_registration_id: w.registration2 }),
      ...notFound,
    },
    {
      case: "no offer to claim",
      as: "member",
      args: (w) => ({ p_registration_id: w.registration }),
      ...conflict,
    },
    {
      case: "anon",
      as: "anon",
      args: (w) => ({ p_registration_id: w.registration }),
      ...signInFirst,
    },
  ],
  transfer_registration: [
    {
      case: "unknown registration",
      as: "member",
      args: (w) => ({ p_registration_id: unknown, p_recipient_id: w.users.unrelated.id }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_registration_id: w.registration2, p_recipient_id: w.users.unrelated.id }),
      ...notFound,
    },
    {
      case: "checked in already",
      as: "member",
      args: (w) => ({ p_registration_id: w.registration, p_recipient_id: w.users.unrelated.id }),
      ...conflict,
    },
    {
      case: "to oneself",
      as: "staff",
      args: (w) => ({ p_registration_id: w.registration2, p_recipient_id: w.users.other.id }),
      ...badArgument,
    },
    {
      case: "unknown recipient",
      as: "staff",
      args: (w) => ({ p_registration_id: w.registration2, p_recipient_id: unknown }),
      ...notFound,
    },
    {
      case: "recipient already registered",
      as: "staff",
      args: (w) => ({ p_registration_id: w.registration2, p_recipient_id: w.users.member.id }),
      ...conflict,
    },
  ],
  confirm_registration_payment: [
    {
      case: "unknown registration",
      as: "service_role",
      args: () => ({ p_registration_id: unknown, p_payment_reference: "x" }),
      ...notFound,
    },
    {
      case: "a cancelled registration",
      as: "service_role",
      args: (w) => ({ p_registration_id: w.cancelledRegistration, p_payment_reference: "x" }),
      ...conflict,
    },
    {
      case: "an app",
      as: "member",
      args: (w) => ({ p_registration_id: w.registration, p_payment_reference: "x" }),
      ...forbidden,
    },
  ],
  record_registration_refund: [
    {
      case: "unknown registration",
      as: "service_role",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "never paid",
      as: "service_role",
      args: (w) => ({ p_registration_id: w.registration2 }),
      ...conflict,
    },
    {
      case: "an app",
      as: "staff",
      args: (w) => ({ p_registration_id: w.registration2 }),
      ...forbidden,
    },
  ],
  process_expired_registrations: [
    { case: "an app", as: "member", args: none, ...forbidden },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  // 0005 attendance
  check_in_by_token: [
    {
      case: "unknown token",
      as: "staff",
      args: (w) => ({ p_token: "not-a-token", p_session_id: w.session }),
      ...notFound,
    },
    {
      case: "not staff of the event",
      as: "unrelated",
      args: (w, x) => ({ p_token: x.ticketOfOther, p_session_id: w.session }),
      ...notFound,
    },
    {
      case: "no session for an event with sessions",
      as: "staff",
      args: (_, x) => ({ p_token: x.ticketOfOther }),
      ...badArgument,
    },
    {
      case: "a cancelled ticket",
      as: "staff",
      args: (w, x) => ({ p_token: x.ticketOfCancelled, p_session_id: w.session }),
      ...conflict,
    },
    {
      case: "the wrong event",
      as: "staff",
      args: (w, x) => ({
        p_token: x.ticketOfOther,
        p_event_id: w.eventDraft,
        p_session_id: w.session,
      }),
      ...conflict,
    },
    { case: "anon", as: "anon", args: (_, x) => ({ p_token: x.ticketOfOther }), ...signInFirst },
  ],
  check_in_registration: [
    {
      case: "unknown registration",
      as: "staff",
      args: (w) => ({ p_registration_id: unknown, p_session_id: w.session }),
      ...notFound,
    },
    {
      case: "not staff of the event",
      as: "member",
      args: (w) => ({ p_registration_id: w.registration2, p_session_id: w.session }),
      ...notFound,
    },
    {
      case: "a cancelled registration",
      as: "staff",
      args: (w) => ({ p_registration_id: w.cancelledRegistration, p_session_id: w.session }),
      ...conflict,
    },
    {
      case: "a session of another event",
      as: "staff",
      args: (w) => ({ p_registration_id: w.registration2, p_session_id: unknown }),
      ...badArgument,
    },
  ],
  sync_offline_check_ins: [
    {
      case: "not an array",
      as: "staff",
      args: () => ({ p_scans: { token: "x" } }),
      ...badArgument,
    },
    {
      case: "more than 1000 scans",
      as: "staff",
      args: () => ({ p_scans: Array.from({ length: 1001 }, () => ({ token: "x" })) }),
      ...badArgument,
    },
    { case: "anon", as: "anon", args: () => ({ p_scans: [] }), ...signInFirst },
  ],
  event_attendance_summary: [
    { case: "unknown event", as: "staff", args: () => ({ p_event_id: unknown }), ...notFound },
    { case: "not staff", as: "member", args: (w) => ({ p_event_id: w.eventPub }), ...notFound },
  ],
  // 0006 learning
  enroll_in_course: [
    {
      case: "unknown course",
      as: "unrelated",
      args: () => ({ p_course_id: unknown }),
      ...notFound,
    },
    {
      case: "a draft course",
      as: "unrelated",
      args: (w) => ({ p_course_id: w.courseDraft }),
      ...notFound,
    },
    {
      case: "already enrolled",
      as: "member",
      args: (w) => ({ p_course_id: w.courseA }),
      ...conflict,
    },
    { case: "anon", as: "anon", args: (w) => ({ p_course_id: w.courseA }), ...signInFirst },
  ],
  cancel_course_enrollment: [
    {
      case: "unknown enrollment",
      as: "member",
      args: () => ({ p_enrollment_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_enrollment_id: w.enrollment }),
      ...notFound,
    },
  ],
  confirm_course_enrollment_payment: [
    {
      case: "unknown enrollment",
      as: "service_role",
      args: () => ({ p_enrollment_id: unknown, p_payment_reference: "x" }),
      ...notFound,
    },
    {
      case: "an active enrollment",
      as: "service_role",
      args: (w) => ({ p_enrollment_id: w.enrollment, p_payment_reference: "x" }),
      ...conflict,
    },
    {
      case: "an app",
      as: "member",
      args: (w) => ({ p_enrollment_id: w.enrollment, p_payment_reference: "x" }),
      ...forbidden,
    },
  ],
  complete_lesson: [
    { case: "unknown lesson", as: "member", args: () => ({ p_lesson_id: unknown }), ...notFound },
    {
      case: "not enrolled",
      as: "unrelated",
      args: (w) => ({ p_lesson_id: w.lesson }),
      ...forbidden,
    },
  ],
  submit_assessment_attempt: [
    {
      case: "unknown assessment",
      as: "member",
      args: () => ({ p_assessment_id: unknown, p_answers: {} }),
      ...notFound,
    },
    {
      case: "not enrolled",
      as: "unrelated",
      args: (w) => ({ p_assessment_id: w.assessment, p_answers: {} }),
      ...forbidden,
    },
    {
      case: "answers not an object",
      as: "member",
      args: (w) => ({ p_assessment_id: w.assessment, p_answers: [] }),
      ...badArgument,
    },
  ],
  learning_path_progress: [
    { case: "anon", as: "anon", args: (w) => ({ p_learning_path_id: w.path }), ...signInFirst },
  ],
  // 0007 certificates
  issue_certificate: [
    { case: "neither registration nor enrollment", as: "staff", args: none, ...badArgument },
    {
      case: "unknown registration",
      as: "staff",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "not checked in",
      as: "staff",
      args: (w) => ({ p_registration_id: w.registration2 }),
      ...conflict,
    },
    {
      case: "course not completed",
      as: "staff",
      args: (w) => ({ p_enrollment_id: w.enrollment }),
      ...conflict,
    },
  ],
  issue_event_certificates: [
    { case: "unknown event", as: "staff", args: () => ({ p_event_id: unknown }), ...notFound },
    { case: "not staff", as: "member", args: (w) => ({ p_event_id: w.eventPub }), ...notFound },
  ],
  reissue_certificate: [
    {
      case: "unknown certificate",
      as: "admin",
      args: () => ({ p_certificate_id: unknown, p_cpd_cycle: "2030" }),
      ...notFound,
    },
    {
      case: "the holder",
      as: "member",
      args: (w) => ({ p_certificate_id: w.certificate, p_cpd_cycle: "2030" }),
      ...notFound,
    },
    {
      case: "no cycle",
      as: "admin",
      args: (w) => ({ p_certificate_id: w.certificate, p_cpd_cycle: " " }),
      ...badArgument,
    },
  ],
  revoke_certificate: [
    {
      case: "unknown certificate",
      as: "admin",
      args: () => ({ p_certificate_id: unknown, p_reason: "x" }),
      ...notFound,
    },
    {
      case: "no reason",
      as: "admin",
      args: (w) => ({ p_certificate_id: w.certificate, p_reason: " " }),
      ...badArgument,
    },
  ],
  set_certificate_expiry: [
    {
      case: "unknown certificate",
      as: "admin",
      args: () => ({ p_certificate_id: unknown, p_expires_at: null }),
      ...notFound,
    },
    {
      case: "before it was issued",
      as: "admin",
      args: (w) => ({ p_certificate_id: w.certificate, p_expires_at: "2000-01-01T00:00:00Z" }),
      ...badArgument,
    },
  ],
  verify_certificate: [
    { case: "mistyped code", as: "anon", args: () => ({ p_code: "AAAA-BBBB-CCCC" }), ...notFound },
    { case: "not a code", as: "anon", args: () => ({ p_code: "short" }), ...badArgument },
  ],
  certificate_document: [
    {
      case: "unknown certificate",
      as: "member",
      args: () => ({ p_certificate_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_certificate_id: w.certificate }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: (w) => ({ p_certificate_id: w.certificate }),
      ...signInFirst,
    },
  ],
  attach_certificate_pdf: [
    {
      case: "unknown certificate",
      as: "service_role",
      args: () => ({ p_certificate_id: unknown, p_pdf_path: "a/b.pdf" }),
      ...notFound,
    },
    {
      case: "a path outside the bucket",
      as: "service_role",
      args: (w) => ({ p_certificate_id: w.certificate, p_pdf_path: "../etc/passwd" }),
      ...badArgument,
    },
    {
      case: "an app",
      as: "admin",
      args: (w) => ({ p_certificate_id: w.certificate, p_pdf_path: "a/b.pdf" }),
      ...forbidden,
    },
  ],
  certificate_open_badge: [
    {
      case: "unknown certificate",
      as: "member",
      args: () => ({ p_certificate_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_certificate_id: w.certificate }),
      ...notFound,
    },
  ],
  // 0008 CPD credits
  cpd_credit_totals: [
    { case: "unknown period", as: "member", args: () => ({ p_period: "week" }), ...badArgument },
    {
      case: "unknown time zone",
      as: "member",
      args: () => ({ p_time_zone: "Mars/Olympus" }),
      ...badArgument,
    },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  export_cpd_credits_csv: [
    {
      case: "not a date",
      as: "member",
      args: () => ({ p_from: "yesterday-ish" }),
      status: 400,
      code: "22007",
    },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  export_organization_cpd_credits_csv: [
    {
      case: "a plain member",
      as: "member",
      args: (w) => ({ p_organization_id: w.orgA }),
      ...forbidden,
    },
    { case: "anon", as: "anon", args: (w) => ({ p_organization_id: w.orgA }), ...signInFirst },
  ],
  // 0012 payments
  checkout_event_registration: [
    {
      case: "unknown registration",
      as: "member",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_registration_id: w.registration }),
      ...notFound,
    },
    {
      case: "not pending payment",
      as: "member",
      args: (w) => ({ p_registration_id: w.registration }),
      ...conflict,
    },
  ],
  checkout_course_enrollment: [
    {
      case: "unknown enrollment",
      as: "member",
      args: () => ({ p_enrollment_id: unknown }),
      ...notFound,
    },
    {
      case: "not pending payment",
      as: "member",
      args: (w) => ({ p_enrollment_id: w.enrollment }),
      ...conflict,
    },
  ],
  checkout_products: [
    { case: "empty cart", as: "member", args: () => ({ p_items: [] }), ...badArgument },
    {
      case: "quantity 0",
      as: "member",
      args: () => ({ p_items: [{ product_id: unknown, quantity: 0 }] }),
      ...badArgument,
    },
    {
      case: "unknown product",
      as: "member",
      args: () => ({ p_items: [{ product_id: unknown, quantity: 1 }] }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: () => ({ p_items: [] }), ...signInFirst },
  ],
  void_invoice: [
    { case: "unknown invoice", as: "member", args: () => ({ p_invoice_id: unknown }), ...notFound },
    {
      case: "someone else's",
      as: "unrelated",
      args: (_, x) => ({ p_invoice_id: x.openInvoice }),
      ...notFound,
    },
    {
      case: "a paid invoice",
      as: "platform_admin",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice }),
      ...conflict,
    },
  ],
  request_refund: [
    {
      case: "unknown invoice",
      as: "admin",
      args: () => ({ p_invoice_id: unknown, p_amount: 100 }),
      ...notFound,
    },
    {
      case: "a member of the organization",
      as: "member",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice, p_amount: 100 }),
      ...forbidden,
    },
    {
      case: "an open invoice",
      as: "admin",
      args: (_, x) => ({ p_invoice_id: x.openInvoice, p_amount: 100 }),
      ...conflict,
    },
    {
      case: "a zero amount",
      as: "admin",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice, p_amount: 0 }),
      ...badArgument,
    },
    {
      case: "more than was paid",
      as: "admin",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice, p_amount: 999999 }),
      ...conflict,
    },
    {
      case: "an item of another invoice",
      as: "admin",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice, p_amount: 100, p_invoice_item_id: unknown }),
      ...notFound,
    },
  ],
  cancel_paid_registration: [
    {
      case: "unknown registration",
      as: "member",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_registration_id: w.registration }),
      ...notFound,
    },
    {
      case: "a free registration",
      as: "member",
      args: (w) => ({ p_registration_id: w.registration }),
      ...conflict,
    },
  ],
  // 0018 paid cancellations
  cancel_paid_course_enrollment: [
    {
      case: "unknown enrollment",
      as: "member",
      args: () => ({ p_enrollment_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (w) => ({ p_enrollment_id: w.enrollment }),
      ...notFound,
    },
    {
      case: "a free enrollment",
      as: "member",
      args: (w) => ({ p_enrollment_id: w.enrollment }),
      ...conflict,
    },
    { case: "anon", as: "anon", args: (w) => ({ p_enrollment_id: w.enrollment }), ...signInFirst },
  ],
  record_manual_payment: [
    {
      case: "not a platform admin",
      as: "owner",
      args: (_, x) => ({ p_invoice_id: x.openInvoice, p_reference: "x" }),
      ...forbidden,
    },
    {
      case: "no reference",
      as: "platform_admin",
      args: (_, x) => ({ p_invoice_id: x.openInvoice, p_reference: " " }),
      ...badArgument,
    },
    {
      case: "unknown invoice",
      as: "platform_admin",
      args: () => ({ p_invoice_id: unknown, p_reference: "x" }),
      ...notFound,
    },
    {
      case: "already paid",
      as: "platform_admin",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice, p_reference: "x" }),
      ...conflict,
    },
  ],
  attach_invoice_checkout: [
    {
      case: "unknown invoice",
      as: "service_role",
      args: () => ({ p_invoice_id: unknown, p_provider: "stripe", p_provider_reference: "cs_1" }),
      ...notFound,
    },
    {
      case: "a paid invoice",
      as: "service_role",
      args: (_, x) => ({
        p_invoice_id: x.paidInvoice,
        p_provider: "stripe",
        p_provider_reference: "cs_1",
      }),
      ...conflict,
    },
    {
      case: "an app",
      as: "member",
      args: (_, x) => ({
        p_invoice_id: x.openInvoice,
        p_provider: "stripe",
        p_provider_reference: "cs_1",
      }),
      ...forbidden,
    },
  ],
  apply_provider_event: [
    {
      case: "unknown provider",
      as: "service_role",
      args: () => ({
        p_provider: "paypal",
        p_event_id: "e",
        p_event_type: "t",
        p_payload: {},
        p_action: {},
      }),
      status: 400,
      code: "22P02",
    },
    {
      case: "an app",
      as: "member",
      args: () => ({
        p_provider: "stripe",
        p_event_id: "e",
        p_event_type: "t",
        p_payload: {},
        p_action: {},
      }),
      ...forbidden,
    },
  ],
  mark_refund_submitted: [
    {
      case: "unknown refund",
      as: "service_role",
      args: () => ({ p_refund_id: unknown, p_provider_refund_id: "re_1" }),
      ...notFound,
    },
    {
      case: "an app",
      as: "admin",
      args: () => ({ p_refund_id: unknown, p_provider_refund_id: "re_1" }),
      ...forbidden,
    },
  ],
  expire_due_invoices: [
    { case: "an app", as: "platform_admin", args: none, ...forbidden },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  attach_invoice_receipt: [
    {
      case: "unknown invoice",
      as: "service_role",
      args: () => ({ p_invoice_id: unknown, p_path: "r.pdf" }),
      ...notFound,
    },
    {
      case: "an open invoice",
      as: "service_role",
      args: (_, x) => ({ p_invoice_id: x.openInvoice, p_path: "r.pdf" }),
      ...conflict,
    },
    {
      case: "an app",
      as: "member",
      args: (_, x) => ({ p_invoice_id: x.paidInvoice, p_path: "r.pdf" }),
      ...forbidden,
    },
  ],
  // 0019 notifications
  mark_notifications_read: [
    { case: "unknown notification", as: "member", args: () => ({ p_ids: [unknown] }), ...notFound },
    {
      case: "not uuids",
      as: "member",
      args: () => ({ p_ids: ["first"] }),
      status: 400,
      code: "22P02",
    },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  unread_notification_counts: [{ case: "anon", as: "anon", args: none, ...signInFirst }],
  get_notification_preferences: [{ case: "anon", as: "anon", args: none, ...signInFirst }],
  set_notification_settings: [
    {
      case: "unknown time zone",
      as: "member",
      args: () => ({ p_time_zone: "Mars/Olympus" }),
      ...badArgument,
    },
    {
      case: "quiet hours without an end",
      as: "member",
      args: () => ({ p_quiet_hours_start: "22:00" }),
      ...badArgument,
    },
    {
      case: "unsupported language",
      as: "member",
      args: () => ({ p_locale: "fr" }),
      ...badArgument,
    },
    { case: "anon", as: "anon", args: () => ({ p_locale: "en" }), ...signInFirst },
  ],
  set_notification_preference: [
    { case: "unknown type", as: "member", args: () => ({ p_type: "gossip" }), ...badArgument },
    {
      case: "an essential type's email off",
      as: "member",
      args: () => ({ p_type: "account_alert", p_email: false }),
      ...badArgument,
    },
    { case: "anon", as: "anon", args: () => ({ p_type: "forum_reply" }), ...signInFirst },
  ],
  unsubscribe_from_email: [
    { case: "not a link's token", as: "anon", args: () => ({ p_token: "x" }), ...badArgument },
    {
      case: "a forged signature",
      as: "anon",
      args: (w) => ({ p_token: `${w.users.member.id}.forum_reply.forged` }),
      status: 403,
      code: "PT403",
    },
  ],
  send_system_announcement: [
    {
      case: "not a platform admin",
      as: "owner",
      args: () => ({ p_title: "Hello" }),
      status: 403,
      code: "PT403",
    },
    { case: "anon", as: "anon", args: () => ({ p_title: "Hello" }), ...signInFirst },
  ],
  claim_due_emails: [
    { case: "more than 500", as: "service_role", args: () => ({ p_limit: 501 }), ...badArgument },
    { case: "an app", as: "platform_admin", args: none, ...forbidden },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  mark_email_sent: [
    {
      case: "an app",
      as: "member",
      args: () => ({ p_id: 1, p_claim_id: unknown, p_message_id: "m" }),
      ...forbidden,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_id: 1, p_claim_id: unknown, p_message_id: "m" }),
      ...signInFirst,
    },
  ],
  mark_email_failed: [
    {
      case: "an app",
      as: "member",
      args: () => ({ p_id: 1, p_claim_id: unknown, p_error: "e" }),
      ...forbidden,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_id: 1, p_claim_id: unknown, p_error: "e" }),
      ...signInFirst,
    },
  ],
  // 0022-0025 service membership
  vin_problem: [
    // It answers every text with the VIN's problem (or null); only a call without a VIN is refused.
    { case: "no VIN", as: "anon", args: none, status: 404, code: "PGRST202" },
  ],
  correct_vehicle_odometer: [
    {
      case: "the owner",
      as: "member",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_odometer: 10, p_reason: "a typo" }),
      status: 403,
      code: "PT403",
    },
    {
      case: "unknown vehicle",
      as: "platform_admin",
      args: () => ({ p_vehicle_id: unknown, p_odometer: 10, p_reason: "a typo" }),
      ...notFound,
    },
    {
      case: "a negative reading",
      as: "platform_admin",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_odometer: -1, p_reason: "a typo" }),
      status: 400,
      code: "PT400",
    },
    {
      case: "no reason",
      as: "platform_admin",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_odometer: 10, p_reason: " " }),
      status: 400,
      code: "PT400",
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_odometer: 10, p_reason: "a typo" }),
      ...signInFirst,
    },
  ],
  link_dongle: [
    {
      case: "unknown vehicle",
      as: "member",
      args: () => ({ p_vehicle_id: unknown, p_serial: "D-1", p_connection_type: "BLE" }),
      ...notFound,
    },
    {
      case: "someone else's vehicle",
      as: "unrelated",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_serial: "D-1", p_connection_type: "BLE" }),
      ...notFound,
    },
    {
      case: "a malformed serial",
      as: "member",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_serial: "no spaces",
        p_connection_type: "BLE",
      }),
      status: 400,
      code: "PT400",
    },
    {
      case: "an unknown connection type",
      as: "member",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_serial: "D-1", p_connection_type: "USB" }),
      status: 400,
      code: "22P02",
    },
    {
      case: "a dongle on another member's vehicle",
      as: "unrelated",
      args: (_, x) => ({
        p_vehicle_id: x.otherVehicle,
        p_serial: x.dongleSerial,
        p_connection_type: "BLE",
      }),
      ...conflict,
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_serial: "D-1", p_connection_type: "BLE" }),
      ...signInFirst,
    },
  ],
  unlink_dongle: [
    { case: "unknown dongle", as: "member", args: () => ({ p_dongle_id: unknown }), ...notFound },
    {
      case: "someone else's",
      as: "unrelated",
      args: (_, x) => ({ p_dongle_id: x.dongle }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: (_, x) => ({ p_dongle_id: x.dongle }), ...signInFirst },
  ],
  revoke_dongle_token: [
    { case: "unknown dongle", as: "member", args: () => ({ p_dongle_id: unknown }), ...notFound },
    {
      case: "someone else's",
      as: "unrelated",
      args: (_, x) => ({ p_dongle_id: x.dongle }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: (_, x) => ({ p_dongle_id: x.dongle }), ...signInFirst },
  ],
  appointment_availability: [
    {
      case: "unknown location",
      as: "member",
      args: () => ({ p_location_id: unknown, p_date: "2030-01-01" }),
      ...notFound,
    },
    {
      case: "a date that has passed",
      as: "member",
      args: (_, x) => ({ p_location_id: x.location, p_date: "2000-01-01" }),
      status: 400,
      code: "PT400",
    },
    {
      case: "not a date",
      as: "member",
      args: (_, x) => ({ p_location_id: x.location, p_date: "someday" }),
      status: 400,
      code: "22007",
    },
    {
      case: "a service the location does not offer",
      as: "member",
      args: (_, x) => ({
        p_location_id: x.location,
        p_date: x.appointmentStart.slice(0, 10),
        p_service_codes: ["valet"],
      }),
      status: 400,
      code: "PT400",
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_location_id: x.location, p_date: "2030-01-01" }),
      ...signInFirst,
    },
  ],
  book_appointment: [
    {
      case: "unknown vehicle",
      as: "member",
      args: (_, x) => ({
        p_vehicle_id: unknown,
        p_location_id: x.location,
        p_starts_at: x.appointmentStart,
        p_service_codes: ["oil_change"],
      }),
      ...notFound,
    },
    {
      case: "someone else's vehicle",
      as: "unrelated",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_location_id: x.location,
        p_starts_at: x.appointmentStart,
        p_service_codes: ["oil_change"],
      }),
      ...notFound,
    },
    {
      case: "a member's vehicle, by the staff serving them",
      as: "staff",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_location_id: x.location,
        p_starts_at: x.appointmentStart,
        p_service_codes: ["oil_change"],
      }),
      status: 403,
      code: "PT403",
    },
    {
      case: "no service",
      as: "member",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_location_id: x.location,
        p_starts_at: x.appointmentStart,
        p_service_codes: [],
      }),
      status: 400,
      code: "PT400",
    },
    {
      case: "in the past",
      as: "member",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_location_id: x.location,
        p_starts_at: "2000-01-01T10:00:00Z",
        p_service_codes: ["oil_change"],
      }),
      status: 400,
      code: "PT400",
    },
    {
      case: "the only bay is taken",
      as: "member",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_location_id: x.location,
        p_starts_at: x.appointmentStart,
        p_service_codes: ["oil_change"],
      }),
      ...conflict,
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_location_id: x.location,
        p_starts_at: x.appointmentStart,
        p_service_codes: ["oil_change"],
      }),
      ...signInFirst,
    },
  ],
  reschedule_appointment: [
    {
      case: "unknown appointment",
      as: "member",
      args: (_, x) => ({ p_appointment_id: unknown, p_starts_at: x.appointmentStart }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (_, x) => ({ p_appointment_id: x.appointment, p_starts_at: x.appointmentStart }),
      ...notFound,
    },
    {
      case: "a cancelled appointment",
      as: "member",
      args: (_, x) => ({
        p_appointment_id: x.cancelledAppointment,
        p_starts_at: x.appointmentStart,
      }),
      ...conflict,
    },
    {
      case: "into the past",
      as: "member",
      args: (_, x) => ({ p_appointment_id: x.appointment, p_starts_at: "2000-01-01T10:00:00Z" }),
      status: 400,
      code: "PT400",
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_appointment_id: x.appointment, p_starts_at: x.appointmentStart }),
      ...signInFirst,
    },
  ],
  cancel_appointment: [
    {
      case: "unknown appointment",
      as: "member",
      args: () => ({ p_appointment_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's",
      as: "unrelated",
      args: (_, x) => ({ p_appointment_id: x.appointment }),
      ...notFound,
    },
    {
      case: "already cancelled",
      as: "member",
      args: (_, x) => ({ p_appointment_id: x.cancelledAppointment }),
      ...conflict,
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_appointment_id: x.appointment }),
      ...signInFirst,
    },
  ],
  upcoming_appointments: [{ case: "anon", as: "anon", args: none, ...signInFirst }],
  appointments_for_reminders: [
    { case: "an app", as: "staff", args: none, ...forbidden },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  ingest_telemetry: [
    {
      case: "someone else's vehicle",
      as: "unrelated",
      args: (_, x) => telemetryBatch(x.vehicle),
      ...notFound,
    },
    {
      case: "an unknown dongle token",
      as: "service_role",
      args: (_, x) => ({ ...telemetryBatch(x.vehicle), p_dongle_token: `${unknown}.forged` }),
      status: 401,
      code: "PT401",
    },
    {
      case: "no idempotency key",
      as: "member",
      args: (_, x) => ({ ...telemetryBatch(x.vehicle), p_idempotency_key: "" }),
      status: 400,
      code: "PT400",
    },
    {
      case: "samples not an array",
      as: "member",
      args: (_, x) => ({ ...telemetryBatch(x.vehicle), p_samples: { t: 0 } }),
      status: 400,
      code: "PT400",
    },
    {
      case: "a sample outside the batch's window",
      as: "member",
      args: (_, x) => ({
        ...telemetryBatch(x.vehicle),
        p_samples: [
          { t: Date.parse("2026-01-01T01:00:00Z"), speed: 50, fuelRate: 5, odometer: 1001 },
        ],
      }),
      status: 400,
      code: "PT400",
    },
    { case: "anon", as: "anon", args: (_, x) => telemetryBatch(x.vehicle), ...signInFirst },
  ],
  telemetry_aggregates: [
    {
      case: "someone else's vehicle",
      as: "unrelated",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_from: "2026-01-01", p_to: "2026-01-02" }),
      ...notFound,
    },
    {
      case: "a bucket of a day",
      as: "member",
      args: (_, x) => ({
        p_vehicle_id: x.vehicle,
        p_from: "2026-01-01",
        p_to: "2026-01-02",
        p_bucket: "day",
      }),
      status: 400,
      code: "PT400",
    },
    {
      case: "a range that ends before it starts",
      as: "member",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_from: "2026-01-02", p_to: "2026-01-01" }),
      status: 400,
      code: "PT400",
    },
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_vehicle_id: x.vehicle, p_from: "2026-01-01", p_to: "2026-01-02" }),
      ...signInFirst,
    },
  ],
  purge_old_telemetry: [
    { case: "an app", as: "platform_admin", args: none, ...forbidden },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  service_due: [
    {
      case: "not a uuid",
      as: "member",
      args: () => ({ p_vehicle_id: "car" }),
      status: 400,
      code: "22P02",
    },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  // 0029 memberships
  checkout_membership: [
    { case: "unknown plan", as: "member", args: () => ({ p_plan_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_plan_id: unknown }), ...signInFirst },
  ],
  grant_membership: [
    {
      case: "not a platform admin",
      as: "owner",
      args: (w) => ({ p_user_id: w.users.member.id, p_plan_id: unknown, p_reason: "gift" }),
      ...forbidden,
    },
    {
      case: "no reason",
      as: "platform_admin",
      args: (w) => ({ p_user_id: w.users.member.id, p_plan_id: unknown, p_reason: " " }),
      ...badArgument,
    },
    {
      case: "unknown person",
      as: "platform_admin",
      args: () => ({ p_user_id: unknown, p_plan_id: unknown, p_reason: "gift" }),
      ...notFound,
    },
  ],
  my_membership: [{ case: "anon", as: "anon", args: none, ...signInFirst }],
  // 0030 offers
  available_offers: [
    { case: "lat without lng", as: "member", args: () => ({ p_lat: 40 }), ...badArgument },
    { case: "unknown vehicle", as: "member", args: () => ({ p_vehicle_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: none, ...signInFirst },
  ],
  redeem_offer: [
    { case: "unknown offer", as: "member", args: () => ({ p_offer_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_offer_id: unknown }), ...signInFirst },
  ],
  // 0031 referrals
  apply_referral_code: [
    { case: "unknown code", as: "member", args: () => ({ p_code: "REF-ZZZZZZ" }), ...notFound },
    { case: "no code", as: "member", args: () => ({ p_code: " " }), ...badArgument },
    { case: "anon", as: "anon", args: () => ({ p_code: "REF-ZZZZZZ" }), ...signInFirst },
  ],
  my_referrals: [{ case: "anon", as: "anon", args: none, ...signInFirst }],
  credit_referral: [
    {
      case: "unknown referral",
      as: "service_role",
      args: () => ({ p_referral_id: unknown }),
      ...notFound,
    },
    { case: "an app", as: "member", args: () => ({ p_referral_id: unknown }), ...forbidden },
  ],
  // 0033 support chat
  start_chat_thread: [
    { case: "no subject", as: "member", args: () => ({ p_subject: " " }), ...badArgument },
    {
      case: "unknown organization",
      as: "member",
      args: () => ({ p_subject: "Help", p_organization_id: unknown }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: () => ({ p_subject: "Help" }), ...signInFirst },
  ],
  assign_chat_thread: [
    { case: "unknown thread", as: "staff", args: () => ({ p_thread_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_thread_id: unknown }), ...signInFirst },
  ],
  close_chat_thread: [
    { case: "unknown thread", as: "member", args: () => ({ p_thread_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_thread_id: unknown }), ...signInFirst },
  ],
  mark_chat_read: [
    { case: "unknown thread", as: "member", args: () => ({ p_thread_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_thread_id: unknown }), ...signInFirst },
  ],
  my_chat_threads: [{ case: "anon", as: "anon", args: none, ...signInFirst }],
  // 0032 member devices and files
  presign_member_file: [
    {
      case: "a type the bucket refuses",
      as: "member",
      args: () => ({
        p_file_name: "a.exe",
        p_content_type: "application/x-msdownload",
        p_size_bytes: 1,
      }),
      ...badArgument,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_file_name: "a.pdf", p_content_type: "application/pdf", p_size_bytes: 1 }),
      ...signInFirst,
    },
  ],
  register_push_device: [
    {
      case: "no device id",
      as: "member",
      args: () => ({ p_device_id: " ", p_platform: "ios", p_push_token: "t" }),
      ...badArgument,
    },
    {
      case: "unknown platform",
      as: "member",
      args: () => ({ p_device_id: "d", p_platform: "symbian", p_push_token: "t" }),
      status: 400,
      code: "22P02",
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_device_id: "d", p_platform: "ios", p_push_token: "t" }),
      ...signInFirst,
    },
  ],
  // 0034-0036 marketplace
  parts_that_fit: [
    { case: "no car given", as: "anon", args: none, ...badArgument },
    {
      case: "a year before cars",
      as: "member",
      args: () => ({ p_make: "Toyota", p_year: 1500 }),
      ...badArgument,
    },
    {
      case: "unknown vehicle",
      as: "member",
      args: () => ({ p_vehicle_id: unknown }),
      ...notFound,
    },
  ],
  search_events: [
    { case: "an empty search", as: "anon", args: () => ({ search: " " }), ...badArgument },
    {
      case: "a search longer than any title",
      as: "member",
      args: () => ({ search: "x".repeat(251) }),
      ...badArgument,
    },
    {
      case: "a page of 0",
      as: "member",
      args: () => ({ search: "lean", max_rows: 0 }),
      ...badArgument,
    },
  ],
  search_car_listings: [
    { case: "unknown sort", as: "anon", args: () => ({ p_sort: "cheapest" }), ...badArgument },
    { case: "a page of 0", as: "member", args: () => ({ p_limit: 0 }), ...badArgument },
    {
      case: "an empty year range",
      as: "anon",
      args: () => ({ p_year_min: 2020, p_year_max: 2010 }),
      ...badArgument,
    },
    {
      case: "distance without a point",
      as: "anon",
      args: () => ({ p_sort: "distance" }),
      ...badArgument,
    },
  ],
  search_part_listings: [
    { case: "unknown sort", as: "anon", args: () => ({ p_sort: "cheapest" }), ...badArgument },
    {
      case: "a fit without a year",
      as: "member",
      args: () => ({ p_fits_make: "Honda" }),
      ...badArgument,
    },
    { case: "a negative price", as: "anon", args: () => ({ p_price_min: -1 }), ...badArgument },
  ],
  // 0037 forum, 0038 moderation
  record_thread_view: [
    { case: "unknown thread", as: "anon", args: () => ({ p_thread_id: unknown }), ...notFound },
  ],
  set_thread_status: [
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_status: "resolved" }),
      ...signInFirst,
    },
    {
      case: "unknown thread",
      as: "member",
      args: () => ({ p_thread_id: unknown, p_status: "resolved" }),
      ...notFound,
    },
    {
      case: "not the author",
      as: "unrelated",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_status: "resolved" }),
      ...forbidden,
    },
    {
      case: "the author closes",
      as: "member",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_status: "closed" }),
      ...forbidden,
    },
    {
      case: "already open",
      as: "member",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_status: "open" }),
      ...conflict,
    },
    {
      case: "no status",
      as: "member",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_status: null }),
      ...badArgument,
    },
    {
      case: "unknown status",
      as: "member",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_status: "archived" }),
      status: 400,
      code: "22P02",
    },
  ],
  set_thread_highlights: [
    {
      case: "not a moderator",
      as: "member",
      args: (_, x) => ({ p_thread_id: x.forumThread, p_is_pinned: true }),
      ...forbidden,
    },
    {
      case: "unknown thread",
      as: "platform_admin",
      args: () => ({ p_thread_id: unknown, p_is_pinned: true }),
      ...notFound,
    },
    {
      case: "nothing to change",
      as: "platform_admin",
      args: (_, x) => ({ p_thread_id: x.forumThread }),
      ...badArgument,
    },
  ],
  accept_response: [
    {
      case: "unknown response",
      as: "member",
      args: () => ({ p_response_id: unknown }),
      ...notFound,
    },
    {
      case: "not the thread's author",
      as: "unrelated",
      args: (_, x) => ({ p_response_id: x.forumResponse }),
      ...forbidden,
    },
    {
      case: "a closed thread",
      as: "member",
      args: (_, x) => ({ p_response_id: x.closedThreadResponse }),
      ...conflict,
    },
    {
      case: "withdraw what is not accepted",
      as: "member",
      args: (_, x) => ({ p_response_id: x.forumResponse, p_accepted: false }),
      ...conflict,
    },
  ],
  apply_for_expert_verification: [
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_expertise_areas: ["bmw"], p_years_of_experience: 3 }),
      ...signInFirst,
    },
    {
      case: "no areas",
      as: "member",
      args: () => ({ p_expertise_areas: [" "], p_years_of_experience: 3 }),
      ...badArgument,
    },
    {
      case: "100 years",
      as: "member",
      args: () => ({ p_expertise_areas: ["bmw"], p_years_of_experience: 100 }),
      ...badArgument,
    },
    {
      case: "someone else's document",
      as: "member",
      args: (w) => ({
        p_expertise_areas: ["bmw"],
        p_years_of_experience: 3,
        p_document_paths: [`${w.users.other.id}/x.pdf`],
      }),
      ...badArgument,
    },
    {
      case: "already an expert",
      as: "staff",
      args: () => ({ p_expertise_areas: ["bmw"], p_years_of_experience: 3 }),
      ...conflict,
    },
  ],
  decide_expert_verification: [
    {
      case: "not a moderator",
      as: "member",
      args: (_, x) => ({
        p_verification_id: x.approvedApplication,
        p_approve: false,
        p_reason: "x",
      }),
      ...forbidden,
    },
    {
      case: "unknown application",
      as: "platform_admin",
      args: () => ({ p_verification_id: unknown, p_approve: true }),
      ...notFound,
    },
    {
      case: "a rejection without a reason",
      as: "platform_admin",
      args: (_, x) => ({ p_verification_id: x.approvedApplication, p_approve: false }),
      ...badArgument,
    },
    {
      case: "already approved",
      as: "platform_admin",
      args: (_, x) => ({ p_verification_id: x.approvedApplication, p_approve: true }),
      ...conflict,
    },
  ],
  flag_content: [
    {
      case: "anon",
      as: "anon",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_reason: "spam",
      }),
      ...signInFirst,
    },
    {
      case: "a kind that cannot be flagged",
      as: "staff",
      args: (_, x) => ({ p_target_kind: "invoice", p_target_id: x.forumThread, p_reason: "spam" }),
      ...badArgument,
    },
    {
      case: "unknown thread",
      as: "staff",
      args: () => ({ p_target_kind: "forum_thread", p_target_id: unknown, p_reason: "spam" }),
      ...notFound,
    },
    {
      case: "one's own thread",
      as: "member",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_reason: "spam",
      }),
      ...badArgument,
    },
    {
      case: "other without details",
      as: "staff",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_reason: "other",
      }),
      ...badArgument,
    },
    {
      case: "flagged twice",
      as: "unrelated",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_reason: "spam",
      }),
      ...conflict,
    },
  ],
  moderate_content: [
    {
      case: "not a moderator",
      as: "member",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_action: "approve",
      }),
      ...forbidden,
    },
    {
      case: "unknown item",
      as: "platform_admin",
      args: () => ({ p_target_kind: "forum_thread", p_target_id: unknown, p_action: "approve" }),
      ...notFound,
    },
    {
      case: "unknown action",
      as: "platform_admin",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_action: "ban",
      }),
      ...badArgument,
    },
    {
      case: "removal without a reason",
      as: "platform_admin",
      args: (_, x) => ({
        p_target_kind: "forum_thread",
        p_target_id: x.forumThread,
        p_action: "remove",
      }),
      ...badArgument,
    },
    {
      case: "dismiss without flags",
      as: "platform_admin",
      args: (_, x) => ({
        p_target_kind: "forum_response",
        p_target_id: x.forumResponse,
        p_action: "dismiss",
      }),
      ...conflict,
    },
  ],
  suspend_account: [
    {
      case: "not a moderator",
      as: "member",
      args: (w) => ({ p_user_id: w.users.other.id, p_reason: "x" }),
      ...forbidden,
    },
    {
      case: "unknown member",
      as: "platform_admin",
      args: () => ({ p_user_id: unknown, p_reason: "x" }),
      ...notFound,
    },
    {
      case: "no reason",
      as: "platform_admin",
      args: (w) => ({ p_user_id: w.users.other.id, p_reason: " " }),
      ...badArgument,
    },
    {
      case: "oneself",
      as: "platform_admin",
      args: (w) => ({ p_user_id: w.users.platformAdmin.id, p_reason: "x" }),
      ...badArgument,
    },
    {
      case: "an end in the past",
      as: "platform_admin",
      args: (w) => ({
        p_user_id: w.users.other.id,
        p_reason: "x",
        p_until: "2001-01-01T00:00:00Z",
      }),
      ...badArgument,
    },
  ],
  lift_suspension: [
    {
      case: "not a moderator",
      as: "member",
      args: (w) => ({ p_user_id: w.users.other.id }),
      ...forbidden,
    },
    {
      case: "unknown member",
      as: "platform_admin",
      args: () => ({ p_user_id: unknown }),
      ...notFound,
    },
    {
      case: "not suspended",
      as: "platform_admin",
      args: (w) => ({ p_user_id: w.users.other.id }),
      ...conflict,
    },
  ],
  // 0039 surveys (tests/surveys holds the refusals that need a survey: closed, answered, invalid)
  submit_survey_response: [
    {
      case: "unknown survey",
      as: "member",
      args: () => ({ p_survey_id: unknown, p_answers: {} }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_survey_id: unknown, p_answers: {} }),
      ...signInFirst,
    },
  ],
  save_survey_progress: [
    {
      case: "unknown survey",
      as: "member",
      args: () => ({ p_survey_id: unknown, p_answers: {} }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_survey_id: unknown, p_answers: {} }),
      ...signInFirst,
    },
  ],
  survey_form: [
    { case: "unknown survey", as: "anon", args: () => ({ p_survey_id: unknown }), ...notFound },
  ],
  survey_question_summaries: [
    { case: "unknown survey", as: "staff", args: () => ({ p_survey_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_survey_id: unknown }), ...signInFirst },
  ],
  export_survey_responses: [
    {
      case: "unknown format",
      as: "platform_admin",
      args: () => ({ p_survey_id: unknown, p_format: "xlsx" }),
      ...badArgument,
    },
    {
      case: "unknown survey",
      as: "platform_admin",
      args: () => ({ p_survey_id: unknown }),
      ...notFound,
    },
  ],
  invite_to_survey: [
    {
      case: "unknown survey",
      as: "staff",
      args: () => ({ p_survey_id: unknown, p_user_ids: [unknown] }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_survey_id: unknown, p_user_ids: [unknown] }),
      ...signInFirst,
    },
  ],
  remind_survey_invitees: [
    { case: "unknown survey", as: "staff", args: () => ({ p_survey_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_survey_id: unknown }), ...signInFirst },
  ],
  // 0040 blog, about pages and reference data
  resolve_blog_slug: [
    { case: "unknown slug", as: "anon", args: () => ({ p_slug: "no-such-post" }), ...notFound },
  ],
  related_blog_posts: [
    { case: "unknown post", as: "anon", args: () => ({ p_post_id: unknown }), ...notFound },
    {
      case: "limit out of range",
      as: "member",
      args: () => ({ p_post_id: unknown, p_limit: 500 }),
      ...badArgument,
    },
  ],
  // seller verification (a store the caller does not administer: tests/market/verification.test.ts)
  request_seller_verification: [
    { case: "anon", as: "anon", args: () => ({ p_details: "Licence" }), ...signInFirst },
    { case: "no details", as: "member", args: () => ({ p_details: " " }), ...badArgument },
    {
      case: "unknown store",
      as: "member",
      args: () => ({ p_details: "Licence", p_store_id: unknown }),
      ...notFound,
    },
  ],
  decide_seller_verification: [
    {
      case: "not a platform admin",
      as: "admin",
      args: () => ({ p_request_id: unknown, p_approve: true }),
      ...forbidden,
    },
    {
      case: "unknown request",
      as: "platform_admin",
      args: () => ({ p_request_id: unknown, p_approve: true }),
      ...notFound,
    },
    {
      case: "a rejection without a reason",
      as: "platform_admin",
      args: () => ({ p_request_id: unknown, p_approve: false }),
      ...badArgument,
    },
  ],
  // survey email invitations (tests/surveys/email-invitations.test.ts holds those that need a survey)
  invite_to_survey_by_email: [
    {
      case: "unknown survey",
      as: "staff",
      args: () => ({ p_survey_id: unknown, p_emails: ["a@example.com"] }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_survey_id: unknown, p_emails: ["a@example.com"] }),
      ...signInFirst,
    },
  ],
  survey_invitation: [
    { case: "malformed token", as: "anon", args: () => ({ p_token: "nope" }), ...badArgument },
    {
      case: "forged token",
      as: "anon",
      args: () => ({ p_token: `${unknown}.${"A".repeat(43)}` }),
      ...notFound,
    },
  ],
  submit_survey_response_by_invitation: [
    {
      case: "malformed token",
      as: "anon",
      args: () => ({ p_token: "", p_answers: {} }),
      ...badArgument,
    },
    {
      case: "forged token",
      as: "member",
      args: () => ({ p_token: `${unknown}.${"A".repeat(43)}`, p_answers: {} }),
      ...notFound,
    },
  ],
  // survey versions (tests/surveys/versions.test.ts holds those that need a survey)
  new_survey_version: [
    { case: "unknown survey", as: "staff", args: () => ({ p_survey_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_survey_id: unknown }), ...signInFirst },
  ],
  // chat message edits
  edit_chat_message: [
    {
      case: "unknown message",
      as: "member",
      args: () => ({ p_message_id: unknown, p_body: "new text" }),
      ...notFound,
    },
    {
      case: "no text",
      as: "member",
      args: () => ({ p_message_id: unknown, p_body: null }),
      status: 400,
      code: "PT400",
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_message_id: unknown, p_body: "new text" }),
      ...signInFirst,
    },
  ],
  delete_chat_message: [
    { case: "unknown message", as: "member", args: () => ({ p_message_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_message_id: unknown }), ...signInFirst },
  ],
  // rewards on any invoice
  apply_reward_points: [
    {
      case: "unknown invoice",
      as: "member",
      args: () => ({ p_invoice_id: unknown, p_points: 100 }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_invoice_id: unknown, p_points: 100 }),
      ...signInFirst,
    },
  ],
  waitlist_position: [
    {
      case: "unknown registration",
      as: "member",
      args: () => ({ p_registration_id: unknown }),
      ...notFound,
    },
    {
      case: "someone else's registration",
      as: "unrelated",
      args: (w) => ({ p_registration_id: w.registration2 }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: (w) => ({ p_registration_id: w.registration }),
      ...signInFirst,
    },
  ],
  // 0041 contacts and consent
  import_contacts: [
    {
      case: "unknown organization",
      as: "staff",
      args: () => ({ p_organization_id: unknown, p_csv: "email\na@example.test\n" }),
      ...notFound,
    },
    {
      case: "a member",
      as: "member",
      args: () => ({ p_organization_id: w.orgA, p_csv: "email\na@example.test\n" }),
      ...forbidden,
    },
    {
      case: "malformed CSV",
      as: "staff",
      args: () => ({ p_organization_id: w.orgA, p_csv: 'email\n"a@example.test\n' }),
      ...badArgument,
    },
    {
      case: "a bad row",
      as: "staff",
      args: () => ({ p_organization_id: w.orgA, p_csv: "email\nnot-an-email\n" }),
      ...badArgument,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_organization_id: w.orgA, p_csv: "email\na@example.test\n" }),
      ...signInFirst,
    },
  ],
  export_contacts_csv: [
    {
      case: "unknown organization",
      as: "staff",
      args: () => ({ p_organization_id: unknown }),
      ...notFound,
    },
    { case: "a member", as: "member", args: () => ({ p_organization_id: w.orgA }), ...forbidden },
    { case: "anon", as: "anon", args: () => ({ p_organization_id: w.orgA }), ...signInFirst },
  ],
  // 0042 contact segments
  preview_segment: [
    {
      case: "unknown organization",
      as: "staff",
      args: () => ({ p_organization_id: unknown, p_rules: { tag: "vip" } }),
      ...notFound,
    },
    {
      case: "a member",
      as: "member",
      args: () => ({ p_organization_id: w.orgA, p_rules: { tag: "vip" } }),
      ...forbidden,
    },
    {
      case: "an unknown rule",
      as: "staff",
      args: () => ({ p_organization_id: w.orgA, p_rules: { colour: "red" } }),
      ...badArgument,
    },
    {
      case: "sample out of range",
      as: "staff",
      args: () => ({ p_organization_id: w.orgA, p_rules: { tag: "vip" }, p_sample: 1000 }),
      ...badArgument,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_organization_id: w.orgA, p_rules: { tag: "vip" } }),
      ...signInFirst,
    },
  ],
  segment_contacts: [
    { case: "unknown segment", as: "staff", args: () => ({ p_segment_id: unknown }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_segment_id: unknown }), ...signInFirst },
  ],
  // 0043 email campaigns
  send_campaign: [
    {
      case: "unknown campaign",
      as: "staff",
      args: () => ({ p_campaign_id: unknown }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: () => ({ p_campaign_id: unknown }), ...signInFirst },
  ],
  cancel_campaign: [
    {
      case: "unknown campaign",
      as: "staff",
      args: () => ({ p_campaign_id: unknown }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: () => ({ p_campaign_id: unknown }), ...signInFirst },
  ],
  send_campaign_test: [
    {
      case: "unknown campaign",
      as: "staff",
      args: () => ({ p_campaign_id: unknown }),
      ...notFound,
    },
    { case: "anon", as: "anon", args: () => ({ p_campaign_id: unknown }), ...signInFirst },
  ],
  record_campaign_open: [
    { case: "a member", as: "member", args: () => ({ p_recipient_id: unknown }), ...forbidden },
    { case: "anon", as: "anon", args: () => ({ p_recipient_id: unknown }), ...signInFirst },
  ],
  record_campaign_click: [
    {
      case: "a member",
      as: "member",
      args: () => ({ p_recipient_id: unknown, p_url: "https://example.test" }),
      ...forbidden,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({ p_recipient_id: unknown, p_url: "https://example.test" }),
      ...signInFirst,
    },
  ],
  // 0044 communication log
  contact_timeline: [
    { case: "unknown contact", as: "staff", args: () => ({ p_contact_id: unknown }), ...notFound },
    {
      case: "limit out of range",
      as: "staff",
      args: () => ({ p_contact_id: unknown, p_limit: 1000 }),
      ...badArgument,
    },
    { case: "anon", as: "anon", args: () => ({ p_contact_id: unknown }), ...signInFirst },
  ],
  // 0045 Zoom
  zoom_meeting_request: [
    { case: "unknown event", as: "staff", args: () => ({ p_event_id: unknown }), ...notFound },
    { case: "a member", as: "member", args: () => ({ p_event_id: w.eventPub }), ...notFound },
    { case: "anon", as: "anon", args: () => ({ p_event_id: unknown }), ...signInFirst },
  ],
  link_zoom_meeting: [
    {
      case: "unknown event",
      as: "staff",
      args: () => ({
        p_event_id: unknown,
        p_zoom_meeting_id: "123456789",
        p_join_url: "https://zoom.example.test/j/1",
      }),
      ...notFound,
    },
    {
      case: "anon",
      as: "anon",
      args: () => ({
        p_event_id: unknown,
        p_zoom_meeting_id: "123456789",
        p_join_url: "https://zoom.example.test/j/1",
      }),
      ...signInFirst,
    },
  ],
  record_zoom_participant_event: [
    {
      case: "not a participant event",
      as: "service_role",
      args: () => ({ p_event: { event: "meeting.started", payload: {} } }),
      ...badArgument,
    },
    {
      case: "unknown meeting",
      as: "service_role",
      args: () => ({
        p_event: {
          event: "meeting.participant_joined",
          payload: {
            object: {
              id: "99999999999",
              participant: { participant_uuid: "p", join_time: "2026-12-01T10:00:00Z" },
            },
          },
        },
      }),
      ...notFound,
    },
    { case: "a member", as: "member", args: () => ({ p_event: {} }), ...forbidden },
  ],
  record_organization_zoom_participant_event: [
    {
      case: "no organization",
      as: "service_role",
      args: () => ({ p_organization_id: null, p_event: {} }),
      ...badArgument,
    },
    {
      case: "a meeting of no event of this organization",
      as: "service_role",
      args: () => ({
        p_organization_id: unknown,
        p_event: {
          event: "meeting.participant_joined",
          payload: { object: { id: "99999999999" } },
        },
      }),
      ...notFound,
    },
    {
      case: "a member",
      as: "member",
      args: () => ({ p_organization_id: unknown, p_event: {} }),
      ...forbidden,
    },
  ],
  // revoking a seller's verification (a verified seller's: tests/market/verification.test.ts)
  revoke_seller_verification: [
    {
      case: "not a platform admin",
      as: "admin",
      args: (w) => ({ p_profile_id: w.users.member.id, p_reason: "Expired" }),
      ...forbidden,
    },
    {
      case: "anon",
      as: "anon",
      args: (w) => ({ p_profile_id: w.users.member.id, p_reason: "Expired" }),
      ...signInFirst,
    },
    {
      case: "no reason",
      as: "platform_admin",
      args: (w) => ({ p_profile_id: w.users.member.id, p_reason: "" }),
      ...badArgument,
    },
    {
      case: "no seller named",
      as: "platform_admin",
      args: () => ({ p_reason: "Expired" }),
      ...badArgument,
    },
    {
      case: "unknown store",
      as: "platform_admin",
      args: () => ({ p_store_id: unknown, p_reason: "Expired" }),
      ...notFound,
    },
    {
      case: "a seller who is not verified",
      as: "platform_admin",
      args: (w) => ({ p_profile_id: w.users.member.id, p_reason: "Expired" }),
      ...conflict,
    },
  ],
  // survey drafts through an email invitation (tests/surveys/email-invitations.test.ts holds
  // those that need an invitation)
  save_survey_progress_by_invitation: [
    {
      case: "malformed token",
      as: "anon",
      args: () => ({ p_token: "nope", p_answers: {} }),
      ...badArgument,
    },
    {
      case: "forged token",
      as: "anon",
      args: () => ({ p_token: `${unknown}.${"A".repeat(43)}`, p_answers: {} }),
      ...notFound,
    },
  ],
};

const rows = Object.entries(table).flatMap(([rpc, calls]) =>
  calls.map((call) => ({ rpc, ...call })),
);

describe("RPC refusals answer 4xx with PostgREST's status for their SQLSTATE", () => {
  it.each(rows)("$rpc: $case ($as) → $status $code", async ({ rpc, as, args, status, code }) => {
    const response = await clients[as].rpc(rpc, args(w, x));
    expect({
      status: response.status,
      code: response.error?.code,
      message: response.error?.message,
    }).toMatchObject({ status, code });
    expect(response.error!.message.length).toBeGreaterThan(0);
  });

  it("the table has bad calls for every public function in sql/", async () => {
    const functions = await stack.db.sql<{ name: string }>(
      `select distinct p.proname as name
       from pg_catalog.pg_proc as p
       where p.pronamespace = 'public'::regnamespace
         and not exists (
           select 1 from pg_catalog.pg_depend as d
           where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
         )
       order by 1`,
    );
    const names = functions.map((f) => f.name);
    expect(names.length).toBeGreaterThan(40);
    expect(
      names.filter((name) => !(name in table)),
      "public functions without bad calls in this table",
    ).toEqual([]);
    expect(
      Object.keys(table).filter((name) => !names.includes(name)),
      "rows for functions that do not exist",
    ).toEqual([]);
  });

  it("none of the forum's refusals wrote anything: threads, flags, applications and suspensions are as they were", async () => {
    expect(
      await stack.db.sql(
        "select status, is_pinned, accepted_count from public.forum_threads where id = $1",
        [x.forumThread],
      ),
    ).toEqual([{ status: "open", is_pinned: false, accepted_count: 0 }]);
    expect(
      await stack.db.sql("select flagged_by from public.content_flags where target_id = $1", [
        x.forumThread,
      ]),
    ).toEqual([{ flagged_by: w.users.unrelated.id }]);
    expect(
      await stack.db.sql(
        "select status from public.expert_verifications where user_id in ($1, $2)",
        [w.users.staff.id, w.users.member.id],
      ),
    ).toEqual([{ status: "approved" }]);
    expect(
      await stack.db.sql("select 1 from public.profile_suspensions where profile_id = $1", [
        w.users.other.id,
      ]),
    ).toEqual([]);
    expect(
      await stack.db.sql("select 1 from public.moderation_items where target_id = $1", [
        x.forumThread,
      ]),
    ).toEqual([]);
  });

  it("none of these refusals wrote anything: the world's registrations and invoices are as they were", async () => {
    const registrations = await stack.db.sql<{ id: string; status: string }>(
      "select id, status from public.event_registrations where id in ($1, $2, $3) order by status, id",
      [w.registration, w.registration2, w.cancelledRegistration],
    );
    expect(registrations.map((r) => r.status).sort()).toEqual([
      "cancelled",
      "confirmed",
      "confirmed",
    ]);
    const invoices = await stack.db.sql<{
      id: string;
      status: string;
      receipt_path: string | null;
    }>("select id, status, receipt_path from public.invoices where id in ($1, $2)", [
      x.openInvoice,
      x.paidInvoice,
    ]);
    expect(Object.fromEntries(invoices.map((i) => [i.id, [i.status, i.receipt_path]]))).toEqual({
      [x.openInvoice]: ["open", null],
      [x.paidInvoice]: ["paid", null],
    });
    expect(
      await stack.db.sql("select 1 from public.refunds where invoice_id = $1", [x.paidInvoice]),
    ).toEqual([]);

    // Service membership: the appointments, the dongle, the car and its telemetry as they were.
    const appointments = await stack.db.sql<{ id: string; status: string; starts_at: Date }>(
      "select id, status, starts_at from public.appointments where vehicle_id = $1",
      [x.vehicle],
    );
    expect(
      Object.fromEntries(appointments.map((a) => [a.id, [a.status, a.starts_at.toISOString()]])),
    ).toEqual({
      [x.appointment]: ["booked", x.appointmentStart],
      [x.cancelledAppointment]: ["cancelled", expect.any(String)],
    });
    const [dongle] = await stack.db.sql<{ vehicle_id: string; token_revoked_at: Date | null }>(
      "select vehicle_id, token_revoked_at from public.obd_dongles where id = $1",
      [x.dongle],
    );
    expect(dongle).toEqual({ vehicle_id: x.vehicle, token_revoked_at: null });
    const [car] = await stack.db.sql<{ odometer: string; batches: string; corrections: string }>(
      `select v.odometer::text,
              (select count(*) from public.telemetry_batches b where b.vehicle_id = v.id)::text as batches,
              (select count(*) from public.vehicle_odometer_corrections c where c.vehicle_id = v.id)::text as corrections
       from public.vehicles v where v.id = $1`,
      [x.vehicle],
    );
    expect(car).toEqual({ odometer: "1000.0", batches: "0", corrections: "0" });
  });
});
