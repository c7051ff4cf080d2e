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

  x = {
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
  // 0045 surveys (tests/surveys holds the refusals that need a survey: closed, answered, invalid)
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
  // 0046 blog, about pages and reference data
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
  });
});
