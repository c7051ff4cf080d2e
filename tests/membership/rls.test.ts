// The RLS matrix of the membership, offer, referral, push device, member file, chat and platform support tables × anon, another member, the
// member, an admin of the offering organization, a platform admin and the service role × select,
// insert, update and delete. Each cell runs as PostgREST runs a request (authenticator → role +
// JWT claims) in a transaction that is rolled back.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { attemptAs, describeRlsMatrix, type TableMatrix } from "../helpers/rls-matrix.ts";
import { anon, db, serviceRole, type Claims } from "../helpers/db.ts";

const roles = [
  "anon",
  "stranger",
  "member",
  "org_admin",
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
  const [member, stranger, orgAdmin, platformAdmin, founder] = await Promise.all(
    ["member", "stranger", "org admin", "platform admin", "founder"].map((name) =>
      database.createUser({ full_name: `Membership RLS ${name}` }),
    ),
  );
  w.claims = {
    anon,
    stranger: stranger!.claims,
    member: member!.claims,
    org_admin: orgAdmin!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  };
  for (const name of [
    "org",
    "otherOrg",
    "location",
    "location2",
    "otherLocation",
    "plan",
    "plan2",
    "thread",
    "file",
    "file2",
    "term",
    "offer",
    "redemption",
  ])
    w.ids[name] = randomUUID();
  w.ids.member = member!.id;
  w.ids.stranger = stranger!.id;
  w.ids.founder = founder!.id;
  await sql(`insert into public.platform_admins (user_id) values ($1)`, [platformAdmin!.id]);
  await sql(
    `insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'RLS Offers', $5), ($3, $4, 'RLS Others', $5)`,
    [
      w.ids.org,
      `rls-offers-${w.ids.org!.slice(0, 8)}`,
      w.ids.otherOrg,
      `rls-others-${w.ids.otherOrg!.slice(0, 8)}`,
      founder!.id,
    ],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'admin')`,
    [w.ids.org, orgAdmin!.id],
  );
  await sql(
    `insert into public.service_locations (id, organization_id, name, address_line1, city, country_code, time_zone) values
       ($1, $4, 'L1', '1 St', 'Austin', 'US', 'America/Chicago'), ($2, $4, 'L2', '2 St', 'Austin', 'US', 'America/Chicago'),
       ($3, $5, 'O1', '3 St', 'Austin', 'US', 'America/Chicago')`,
    [w.ids.location, w.ids.location2, w.ids.otherLocation, w.ids.org, w.ids.otherOrg],
  );
  await sql(
    `insert into public.membership_plans (id, code, name, price_amount) values ($1, $2, 'RLS Plus', 1000), ($3, $4, 'RLS Unsold', 2000)`,
    [w.ids.plan, `rls_${w.ids.plan!.slice(0, 8)}`, w.ids.plan2, `rls_${w.ids.plan2!.slice(0, 8)}`],
  );
  await sql(
    `insert into public.memberships (id, user_id, plan_id, status, starts_at, ends_at, granted_by, grant_reason)
     values ($1, $2, $3, 'active', now(), now() + interval '1 year', $4, 'rls')`,
    [w.ids.term, member!.id, w.ids.plan, platformAdmin!.id],
  );
  await sql(
    `insert into public.reward_entries (user_id, points, reason) values ($1, 500, 'adjustment')`,
    [member!.id],
  );
  await sql(
    `insert into public.offers (id, organization_id, title, expires_at) values ($1, $2, 'RLS offer', now() + interval '1 month')`,
    [w.ids.offer, w.ids.org],
  );
  await sql(`insert into public.offer_locations (offer_id, location_id) values ($1, $2)`, [
    w.ids.offer,
    w.ids.location,
  ]);
  await sql(
    `insert into public.chat_threads (id, member_id, organization_id, subject, assigned_to) values ($1, $2, $3, 'RLS chat', $4)`,
    [w.ids.thread, member!.id, w.ids.org, orgAdmin!.id],
  );
  await sql(
    `insert into public.chat_participants (thread_id, user_id, role) values ($1, $2, 'member'), ($1, $3, 'staff')`,
    [w.ids.thread, member!.id, orgAdmin!.id],
  );
  await sql(
    `insert into public.chat_messages (thread_id, sender_id, body) values ($1, $2, 'hello')`,
    [w.ids.thread, member!.id],
  );
  await sql(
    `insert into public.member_files (id, user_id, file_name, content_type, size_bytes, storage_path) values ($1::uuid, $2::uuid, 'a.pdf', 'application/pdf', 1, $2::text || '/' || $1::text || '/a.pdf')`,
    [w.ids.file, member!.id],
  );
  await sql(`insert into public.platform_support_staff (user_id) values ($1)`, [stranger!.id]);
  await sql(
    `insert into public.push_devices (user_id, device_id, platform, push_token) values ($1, 'rls-phone', 'ios', $2)`,
    [member!.id, `rls-token-${w.ids.thread}`],
  );
  // The founder has no code yet, so that the service role's insert of one is a fresh row.
  await sql(`delete from public.referral_codes where user_id = $1`, [founder!.id]);
  await sql(
    `insert into public.referrals (referrer_id, referred_id, code) select $1, $2, code from public.referral_codes where user_id = $1`,
    [member!.id, stranger!.id],
  );
  await sql(
    `insert into public.offer_redemptions (id, offer_id, user_id, redeem_once) values ($1, $2, $3, false)`,
    [w.ids.redemption, w.ids.offer, member!.id],
  );
});

const attempt = (role: Role, statement: string) => attemptAs(db(), w.claims[role], statement);

const signedIn = "stranger member org_admin platform_admin service_role";
const memberSide = "member platform_admin service_role";
const platform = "platform_admin service_role";
const offerManagers = "org_admin platform_admin service_role";
const service = "service_role";

const specs: TableMatrix<Role>[] = [
  {
    table: "membership_plans",
    // A plan nobody bought: one with terms cannot be deleted (foreign key), whoever asks.
    target: () => `id = ${id("plan2")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.membership_plans (code, name, price_amount) values ('rls_new_${randomUUID().slice(0, 8)}', 'New', 500)`,
      allowed: platform,
    },
    update: { set: "price_amount = 1200", allowed: platform },
    delete: platform,
  },
  {
    table: "memberships",
    target: () => `id = ${id("term")}`,
    select: memberSide,
    insert: {
      sql: () =>
        `insert into public.memberships (user_id, plan_id) values (coalesce(auth.uid(), ${id("stranger")}), ${id("plan")})`,
      allowed: service,
    },
    update: { set: "ends_at = ends_at + interval '1 year'", allowed: service },
    delete: service,
  },
  {
    table: "reward_entries",
    target: () => `user_id = ${id("member")}`,
    select: memberSide,
    insert: {
      sql: () =>
        `insert into public.reward_entries (user_id, points, reason) values (coalesce(auth.uid(), ${id("member")}), 1000, 'adjustment')`,
      allowed: service,
    },
    update: { set: "points = 100000", allowed: service },
    delete: service,
  },
  {
    table: "reward_balances",
    target: () => `user_id = ${id("member")}`,
    select: memberSide,
    insert: {
      sql: () =>
        `insert into public.reward_balances (user_id, balance) values (${id("stranger")}, 100000)`,
      allowed: service,
    },
    update: { set: "balance = 100000", allowed: service },
    delete: service,
  },
  {
    table: "offers",
    target: () => `id = ${id("offer")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.offers (organization_id, title, expires_at) values (${id("org")}, 'New offer', now() + interval '1 day')`,
      allowed: offerManagers,
    },
    update: { set: "title = 'Changed offer'", allowed: offerManagers },
    delete: offerManagers,
  },
  {
    table: "offer_locations",
    target: () => `offer_id = ${id("offer")}`,
    select: signedIn,
    insert: {
      sql: () =>
        `insert into public.offer_locations (offer_id, location_id) values (${id("offer")}, ${id("location2")})`,
      allowed: offerManagers,
    },
    update: { set: "created_at = now()", allowed: offerManagers },
    delete: offerManagers,
  },
  {
    table: "offer_redemptions",
    target: () => `id = ${id("redemption")}`,
    select: "member org_admin platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.offer_redemptions (offer_id, user_id, redeem_once) values (${id("offer")}, coalesce(auth.uid(), ${id("member")}), false)`,
      allowed: service,
    },
    update: { set: "redeemed_at = now() - interval '1 year'", allowed: service },
    delete: service,
  },
];

specs.push(
  {
    table: "referral_codes",
    target: () => `user_id = ${id("member")}`,
    select: memberSide,
    insert: {
      sql: () =>
        `insert into public.referral_codes (user_id, code) select id, 'REF-ZZZZZ2' from public.profiles where id = ${id("founder")}`,
      allowed: service,
    },
    update: { set: "code = 'REF-ZZZZZ3'", allowed: service },
    delete: service,
  },
  {
    // The member referred the stranger: both read it.
    table: "referrals",
    target: () => `referred_id = ${id("stranger")}`,
    select: "stranger member platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.referrals (referrer_id, referred_id, code) values (${id("member")}, ${id("founder")}, 'REF-ZZZZZ4')`,
      allowed: service,
    },
    update: { set: "status = 'qualified', qualified_at = now()", allowed: service },
    delete: service,
  },
);

// The member's thread with the organization, answered by its admin: participants only for
// messages; the organization's staff (its admin here) and platform admins also see the thread.
const participants = "member org_admin service_role";
specs.push(
  {
    table: "chat_threads",
    target: () => `id = ${id("thread")}`,
    select: "member org_admin platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.chat_threads (member_id, subject) values (coalesce(auth.uid(), ${id("member")}), 'Direct')`,
      allowed: service,
    },
    update: { set: "status = 'closed'", allowed: service },
    delete: service,
  },
  {
    table: "chat_participants",
    target: () => `thread_id = ${id("thread")} and role = 'member'`,
    select: participants,
    insert: {
      sql: () =>
        `insert into public.chat_participants (thread_id, user_id, role) values (${id("thread")}, ${id("stranger")}, 'staff')`,
      allowed: service,
    },
    update: { set: "last_read_at = now()", allowed: service },
    delete: service,
  },
  {
    table: "chat_messages",
    target: () => `thread_id = ${id("thread")}`,
    select: participants,
    insert: {
      sql: () =>
        `insert into public.chat_messages (thread_id, sender_id, body) values (${id("thread")}, coalesce(auth.uid(), ${id("member")}), 'more')`,
      allowed: participants,
    },
    update: { set: "body = 'edited'", allowed: service },
    delete: service,
  },
  {
    table: "member_files",
    target: () => `user_id = ${id("member")}`,
    select: "member service_role",
    insert: {
      sql: () =>
        `insert into public.member_files (id, user_id, file_name, content_type, size_bytes, storage_path) values (${id("file2")}, ${id("member")}, 'b.pdf', 'application/pdf', 1, ${id("member")} || '/' || ${id("file2")} || '/b.pdf')`,
      allowed: service,
    },
    update: { set: "size_bytes = 2", allowed: service },
    delete: "member service_role",
  },
  {
    table: "platform_support_staff",
    // The stranger is a support person: they read their own row; platform admins manage all.
    target: () => `user_id = ${id("stranger")}`,
    select: "stranger platform_admin service_role",
    insert: {
      sql: () => `insert into public.platform_support_staff (user_id) values (${id("founder")})`,
      allowed: platform,
    },
    update: { set: "added_at = now() - interval '1 day'", allowed: service },
    delete: platform,
  },
  {
    table: "push_devices",
    target: () => `user_id = ${id("member")}`,
    select: "member service_role",
    insert: {
      sql: () =>
        `insert into public.push_devices (user_id, device_id, platform, push_token) values (coalesce(auth.uid(), ${id("member")}), 'new', 'web', 'tok-${randomUUID()}')`,
      allowed: service,
    },
    update: { set: "push_token = 'replaced'", allowed: service },
    delete: "member service_role",
  },
);

describeRlsMatrix(specs, roles, attempt);

describe("RLS: offers stay within their organization", () => {
  it("an organization's admin links only its own locations and cannot make platform offers", async () => {
    expect(
      await attempt(
        "org_admin",
        `insert into public.offer_locations (offer_id, location_id) values (${id("offer")}, ${id("otherLocation")})`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "platform_admin",
        `insert into public.offer_locations (offer_id, location_id) values (${id("offer")}, ${id("otherLocation")})`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "org_admin",
        `insert into public.offers (title, expires_at) values ('Platform offer', now() + interval '1 day')`,
      ),
    ).toMatchObject({ code: "42501" });
    expect(
      await attempt(
        "org_admin",
        `insert into public.offers (organization_id, title, expires_at) values (${id("otherOrg")}, 'Theirs', now() + interval '1 day')`,
      ),
    ).toMatchObject({ code: "42501" });
  });

  it("a spend beyond the rewards balance is refused by the database", async () => {
    expect(
      await attempt(
        "service_role",
        `insert into public.reward_entries (user_id, points, reason) values (${id("member")}, -501, 'invoice_payment')`,
      ),
    ).toMatchObject({ code: "PT409" });
    expect(
      await attempt(
        "service_role",
        `insert into public.reward_entries (user_id, points, reason) values (${id("member")}, -500, 'invoice_payment')`,
      ),
    ).toEqual({ rows: 1 });
  });
});
