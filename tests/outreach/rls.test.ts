// The RLS matrix of the outreach tables (contacts, consent, segments, campaigns, the
// communication log) × anon, a member of the organization, its staff and admin, staff of another
// organization, a platform admin and the service role × select, insert, update and delete. Each
// cell runs as PostgREST runs a request, in a transaction that is rolled back.
import { randomUUID } from "node:crypto";
import { beforeAll } from "vitest";
import { attemptAs, describeRlsMatrix, type TableMatrix } from "../helpers/rls-matrix.ts";
import { anon, db, serviceRole, type Claims } from "../helpers/db.ts";

const roles = [
  "anon",
  "member",
  "registrant",
  "staff",
  "admin",
  "other_staff",
  "platform_admin",
  "service_role",
] as const;
type Role = (typeof roles)[number];

const w = {
  claims: {} as Record<Role, Claims>,
  ids: {} as Record<string, string>,
};
const id = (name: string) => `'${w.ids[name]}'`;

beforeAll(async () => {
  const database = db();
  const sql = (text: string, params: unknown[] = []) => database.sql(text, params);
  const [member, registrant, staff, admin, otherStaff, platformAdmin] = await Promise.all(
    ["member", "registrant", "staff", "admin", "other_staff", "platform_admin"].map((name) =>
      database.createUser({ full_name: `Outreach RLS ${name}` }),
    ),
  );
  w.claims = {
    anon,
    member: member!.claims,
    registrant: registrant!.claims,
    staff: staff!.claims,
    admin: admin!.claims,
    other_staff: otherStaff!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  };
  w.ids.org = randomUUID();
  w.ids.otherOrg = randomUUID();
  await sql(
    `insert into public.organizations (id, slug, display_name, kind, created_by)
     values ($1, $3, 'Outreach RLS', 'training_provider', $5), ($2, $4, 'Outreach RLS other', 'training_provider', $6)`,
    [
      w.ids.org,
      w.ids.otherOrg,
      `rls-${w.ids.org.slice(0, 8)}`,
      `rls-${w.ids.otherOrg.slice(0, 8)}`,
      admin!.id,
      admin!.id,
    ],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role)
     values ($1, $2, 'member'), ($1, $3, 'staff'), ($4, $5, 'staff')`,
    [w.ids.org, member!.id, staff!.id, w.ids.otherOrg, otherStaff!.id],
  );
  await sql(`insert into public.platform_admins (user_id) values ($1)`, [platformAdmin!.id]);
  const [contact] = await sql(
    `insert into public.contacts (organization_id, email, full_name) values ($1, $2, 'RLS contact') returning id`,
    [w.ids.org, `rls-${randomUUID().slice(0, 8)}@example.test`],
  );
  w.ids.contact = contact!.id;
  const [consent] = await sql(
    `insert into public.contact_consents (contact_id, granted, method, recorded_by) values ($1, true, 'form', $2) returning id`,
    [w.ids.contact, staff!.id],
  );
  w.ids.consent = String(consent!.id);
  const [segment] = await sql(
    `insert into public.contact_segments (organization_id, name, rules) values ($1, 'RLS', '{"tag": "vip"}') returning id`,
    [w.ids.org],
  );
  w.ids.segment = segment!.id;
  // A segment of its own: one a campaign uses cannot be deleted (23503).
  const [campaign] = await sql(
    `with s as (insert into public.contact_segments (organization_id, name, rules) values ($1, 'RLS campaign', '{"tag": "vip"}') returning id)
     insert into public.email_campaigns (organization_id, name, subject, body, segment_id) select $1, 'RLS', 'Hi', 'Body', id from s returning id`,
    [w.ids.org],
  );
  w.ids.campaign = campaign!.id;
  const [recipient] = await sql(
    `insert into public.campaign_recipients (campaign_id, contact_id, organization_id, email) select $1, id, organization_id, email from public.contacts where id = $2 returning id`,
    [w.ids.campaign, w.ids.contact],
  );
  w.ids.recipient = recipient!.id;
  const [another] = await sql(
    `insert into public.contacts (organization_id, email) values ($1, $2) returning id`,
    [w.ids.org, `rls-${randomUUID().slice(0, 8)}@example.test`],
  );
  w.ids.anotherContact = another!.id;
  const [activity] = await sql(
    `insert into public.contact_activities (contact_id, organization_id, kind, subject, recorded_by) values ($1, $2, 'call', 'RLS', $3) returning id`,
    [w.ids.contact, w.ids.org, staff!.id],
  );
  w.ids.activity = activity!.id;
  const [event] = await sql(
    `insert into public.events (organization_id, slug, title, format, starts_at, ends_at, status)
     values ($1, $2, 'RLS online', 'online', now() + interval '1 day', now() + interval '1 day 1 hour', 'published') returning id`,
    [w.ids.org, `rls-${randomUUID().slice(0, 8)}`],
  );
  const [meeting] = await sql(
    `insert into public.zoom_meetings (event_id, organization_id, zoom_meeting_id, join_url, starts_at, duration_minutes)
     values ($1, $2, $3, 'https://zoom.example.test/j/1', now() + interval '1 day', 60) returning id`,
    [event!.id, w.ids.org, String(10_000_000_000 + Math.floor(Math.random() * 1e9))],
  );
  w.ids.meeting = meeting!.id;
  // A session with its own meeting's join link; the registrant is confirmed for its event, the
  // member (of the organization) is not registered.
  const [session] = await sql(
    `insert into public.event_sessions (event_id, title, starts_at, ends_at)
     values ($1, 'RLS session', now() + interval '1 day', now() + interval '1 day 1 hour') returning id`,
    [event!.id],
  );
  w.ids.session = session!.id;
  w.ids.event = event!.id;
  await sql(
    `insert into public.event_session_join_details (session_id, event_id, organization_id, join_url)
     values ($1, $2, $3, 'https://zoom.example.test/j/1')`,
    [w.ids.session, event!.id, w.ids.org],
  );
  await sql(
    `insert into public.event_registrations (event_id, user_id, status, confirmed_at) values ($1, $2, 'confirmed', now())`,
    [event!.id, registrant!.id],
  );
  const [event2] = await sql(
    `insert into public.events (organization_id, slug, title, format, starts_at, ends_at, status)
     values ($1, $2, 'RLS online 2', 'online', now() + interval '1 day', now() + interval '1 day 1 hour', 'published') returning id`,
    [w.ids.org, `rls-${randomUUID().slice(0, 8)}`],
  );
  w.ids.event2 = event2!.id;
  const [participantEvent] = await sql(
    `insert into public.zoom_participant_events (zoom_event_key, meeting_id, organization_id, kind, participant_key, at)
     values ($1, $2, $3, 'joined', 'p1', now()) returning id`,
    [`rls-${randomUUID()}`, w.ids.meeting, w.ids.org],
  );
  w.ids.participantEvent = String(participantEvent!.id);
});

const attempt = (role: Role, statement: string) => attemptAs(db(), w.claims[role], statement);

const orgStaff = "staff admin platform_admin service_role";

const specs: TableMatrix<Role>[] = [
  {
    table: "contacts",
    target: () => `id = ${id("contact")}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.contacts (organization_id, email) values (${id("org")}, 'new-${randomUUID().slice(0, 8)}@example.test')`,
      allowed: orgStaff,
    },
    update: { set: "company = 'Changed'", allowed: orgStaff },
    delete: orgStaff,
  },
  {
    table: "contact_consents",
    target: () => `id = ${w.ids.consent}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.contact_consents (contact_id, granted, method) values (${id("contact")}, false, 'staff')`,
      allowed: orgStaff,
    },
    // The history is append-only, for everyone.
    update: { set: "note = 'Changed'", allowed: "" },
    delete: "",
  },
  {
    table: "contact_segments",
    target: () => `id = ${id("segment")}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.contact_segments (organization_id, name, rules) values (${id("org")}, 'New ${randomUUID().slice(0, 8)}', '{"consented": "email"}')`,
      allowed: orgStaff,
    },
    update: { set: "description = 'Changed'", allowed: orgStaff },
    delete: orgStaff,
  },
  {
    table: "email_campaigns",
    target: () => `id = ${id("campaign")}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.email_campaigns (organization_id, name, subject, body, segment_id) values (${id("org")}, 'New', 'Hi {{first_name}}', 'Body', ${id("segment")})`,
      allowed: orgStaff,
    },
    update: { set: "subject = 'Changed'", allowed: orgStaff },
    delete: orgStaff,
  },
  {
    table: "campaign_recipients",
    target: () => `id = ${id("recipient")}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.campaign_recipients (campaign_id, contact_id, organization_id, email) values (${id("campaign")}, ${id("anotherContact")}, ${id("org")}, 'x@example.test')`,
      allowed: "service_role",
    },
    // Written by the database alone (queuing, delivery, tracking).
    update: { set: "open_count = 5", allowed: "service_role" },
    delete: "service_role",
  },
  {
    table: "contact_activities",
    target: () => `id = ${id("activity")}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.contact_activities (contact_id, kind, subject) values (${id("contact")}, 'note', 'New')`,
      allowed: orgStaff,
    },
    // The staff member who recorded it, the organization's admins and platform admins.
    update: { set: "subject = 'Changed'", allowed: orgStaff },
    delete: orgStaff,
  },
  {
    table: "zoom_meetings",
    target: () => `id = ${id("meeting")}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.zoom_meetings (event_id, organization_id, zoom_meeting_id, join_url, starts_at, duration_minutes)
         values (${id("event2")}, ${id("org")}, '123456789', 'https://zoom.example.test/j/2', now(), 30)`,
      // Through link_zoom_meeting() (the zoom function) only; the service role writes directly.
      allowed: "service_role",
    },
    update: { set: "attendance_threshold = 0.5", allowed: orgStaff },
    delete: "service_role",
  },
  {
    table: "event_session_join_details",
    target: () => `session_id = ${id("session")}`,
    select: `registrant ${orgStaff}`,
    insert: {
      sql: () =>
        `with s as (insert into public.event_sessions (event_id, title, starts_at, ends_at)
           values (${id("event")}, 'RLS session 2', now() + interval '2 days', now() + interval '2 days 1 hour') returning id, event_id)
         insert into public.event_session_join_details (session_id, event_id, organization_id, join_url)
         select id, event_id, ${id("org")}, 'https://zoom.example.test/j/3' from s`,
      // Through link_zoom_meeting() only; the service role writes directly.
      allowed: "service_role",
    },
    update: { set: "join_url = 'https://zoom.example.test/j/4'", allowed: "service_role" },
    delete: "service_role",
  },
  {
    table: "zoom_participant_events",
    target: () => `id = ${w.ids.participantEvent}`,
    select: orgStaff,
    insert: {
      sql: () =>
        `insert into public.zoom_participant_events (zoom_event_key, meeting_id, organization_id, kind, participant_key, at) values ('rls-${randomUUID()}', ${id("meeting")}, ${id("org")}, 'left', 'p1', now())`,
      allowed: "service_role",
    },
    update: { set: "display_name = 'Changed'", allowed: "service_role" },
    delete: "service_role",
  },
];

describeRlsMatrix(specs, roles, attempt);
