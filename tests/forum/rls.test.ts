// The RLS matrix of the forum and moderation tables (0037_forum, 0038_moderation) × anon, a member,
// the content's author, a verified expert, a moderator, a suspended member, a platform admin and
// the service role × select, insert, update and delete. Each cell runs as PostgREST runs a request
// (authenticator → role + JWT claims) in a transaction that is rolled back.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { attemptAs, describeRlsMatrix, type TableMatrix } from "../helpers/rls-matrix.ts";
import { anon, db, serviceRole, type Claims } from "../helpers/db.ts";

const roles = [
  "anon",
  "member",
  "author",
  "expert",
  "moderator",
  "suspended",
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
  const people = await Promise.all(
    ["member", "author", "expert", "moderator", "suspended", "platform_admin", "other"].map(
      (name) => database.createUser({ full_name: `Forum RLS ${name}` }),
    ),
  );
  const [member, author, expert, moderator, suspended, platformAdmin, other] = people;
  w.claims = {
    anon,
    member: member!.claims,
    author: author!.claims,
    expert: expert!.claims,
    moderator: moderator!.claims,
    suspended: suspended!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  };
  for (const [name, person] of Object.entries({
    member,
    author,
    expert,
    moderator,
    suspended,
    other,
  }))
    w.ids[name] = person!.id;
  for (const name of [
    "category",
    "emptyCategory",
    "thread",
    "otherThread",
    "response",
    "otherResponse",
    "thirdResponse",
  ])
    w.ids[name] = randomUUID();
  const sql = (text: string, params: unknown[] = []) => database.sql(text, params);
  await sql(`insert into public.platform_admins (user_id) values ($1)`, [platformAdmin!.id]);
  await sql(`insert into public.forum_moderators (user_id) values ($1)`, [moderator!.id]);
  await sql(
    `insert into public.profile_suspensions (profile_id, reason) values ($1, 'RLS matrix')`,
    [suspended!.id],
  );
  await sql(
    `insert into public.forum_categories (id, name, slug) values ($1, 'RLS', $2), ($3, 'RLS empty', $4)`,
    [
      w.ids.category,
      `rls-${w.ids.category!.slice(0, 8)}`,
      w.ids.emptyCategory,
      `rls-empty-${w.ids.emptyCategory!.slice(0, 8)}`,
    ],
  );
  await sql(
    `insert into public.forum_threads (id, category_id, author_id, title, body) values ($1, $3, $4, 'RLS thread', 'Body'), ($2, $3, $5, 'Other thread', 'Body')`,
    [w.ids.thread, w.ids.otherThread, w.ids.category, author!.id, other!.id],
  );
  await sql(
    `insert into public.forum_responses (id, thread_id, author_id, body) values ($1, $4, $5, 'Mine'), ($2, $4, $6, 'Theirs'), ($3, $4, $6, 'Third')`,
    [w.ids.response, w.ids.otherResponse, w.ids.thirdResponse, w.ids.thread, author!.id, other!.id],
  );
  await sql(
    `insert into public.forum_response_votes (response_id, user_id, is_helpful) values ($1, $2, true)`,
    [w.ids.otherResponse, author!.id],
  );
  const [application] = await sql(
    `insert into public.expert_verifications (user_id, expertise_areas, years_of_experience, status) values ($1, '{rls}', 5, 'approved') returning id`,
    [expert!.id],
  );
  await sql(
    `insert into public.forum_experts (user_id, verification_id, expertise_areas, years_of_experience) values ($1, $2, '{rls}', 5)`,
    [expert!.id, application!.id],
  );
  const [pending] = await sql(
    `insert into public.expert_verifications (user_id, expertise_areas, years_of_experience) values ($1, '{rls}', 1) returning id`,
    [member!.id],
  );
  w.ids.pendingApplication = pending!.id;
  const [flag] = await sql(
    `insert into public.content_flags (target_kind, target_id, flagged_by, reason, weight) values ('forum_thread', $1, $2, 'spam', 1) returning id`,
    [w.ids.thread, member!.id],
  );
  w.ids.flag = flag!.id;
  await sql(
    `insert into public.moderation_items (target_kind, target_id, author_id, open_flags, open_weight) values ('forum_thread', $1, $2, 1, 1)`,
    [w.ids.thread, author!.id],
  );
  await sql(
    `insert into public.moderation_actions (action, target_kind, target_id, subject_user_id, actor_id, reason) values ('flags_dismissed', 'forum_thread', $1, $2, $3, 'RLS')`,
    [w.ids.thread, author!.id, moderator!.id],
  );
});

const attempt = (role: Role, statement: string) => attemptAs(db(), w.claims[role], statement);

const everyone = roles.join(" ");
const signedIn = "member author expert moderator suspended platform_admin service_role";
const activeMembers = "member author expert moderator platform_admin service_role";
const moderators = "moderator platform_admin service_role";
const service = "service_role";

const specs: TableMatrix<Role>[] = [
  {
    table: "forum_moderators",
    target: () => `user_id = ${id("moderator")}`,
    select: signedIn,
    insert: {
      sql: () => `insert into public.forum_moderators (user_id) values (${id("member")})`,
      allowed: "platform_admin service_role",
    },
    update: { set: "granted_at = now()", allowed: service },
    delete: "platform_admin service_role",
  },
  {
    table: "forum_categories",
    target: () => `id = ${id("emptyCategory")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.forum_categories (name, slug) values ('New', 'rls-new-${randomUUID().slice(0, 8)}')`,
      allowed: moderators,
    },
    update: { set: "description = 'Changed'", allowed: moderators },
    delete: moderators,
  },
  {
    table: "forum_threads",
    target: () => `id = ${id("thread")}`,
    select: everyone,
    insert: {
      sql: (role) =>
        role === "service_role"
          ? `insert into public.forum_threads (category_id, author_id, title, body) values (${id("category")}, ${id("member")}, 'New thread', 'Body')`
          : `insert into public.forum_threads (category_id, title, body) values (${id("category")}, 'New thread', 'Body')`,
      allowed: activeMembers,
    },
    update: {
      set: "title = 'Changed title'",
      allowed: "author moderator platform_admin service_role",
    },
    delete: "author moderator platform_admin service_role",
  },
  {
    table: "forum_responses",
    target: () => `id = ${id("response")}`,
    select: everyone,
    insert: {
      sql: (role) =>
        role === "service_role"
          ? `insert into public.forum_responses (thread_id, body, ai_generated) values (${id("thread")}, 'AI answer', true)`
          : `insert into public.forum_responses (thread_id, body) values (${id("thread")}, 'New response')`,
      allowed: activeMembers,
    },
    update: { set: "body = 'Changed body'", allowed: "author service_role" },
    delete: "author moderator platform_admin service_role",
  },
  {
    table: "forum_thread_follows",
    target: () => `thread_id = ${id("thread")} and user_id = ${id("author")}`,
    select: "author service_role",
    insert: {
      sql: (role) =>
        role === "service_role"
          ? `insert into public.forum_thread_follows (thread_id, user_id) values (${id("otherThread")}, ${id("member")})`
          : `insert into public.forum_thread_follows (thread_id) values (${id("otherThread")})`,
      allowed: signedIn,
    },
    update: { set: "created_at = now()", allowed: service },
    delete: "author service_role",
  },
  {
    table: "forum_response_votes",
    target: () => `response_id = ${id("otherResponse")} and user_id = ${id("author")}`,
    select: "author service_role",
    insert: {
      sql: (role) =>
        role === "service_role"
          ? `insert into public.forum_response_votes (response_id, user_id, is_helpful) values (${id("thirdResponse")}, ${id("member")}, true)`
          : `insert into public.forum_response_votes (response_id, is_helpful) values (${id("thirdResponse")}, true)`,
      allowed: activeMembers,
    },
    update: { set: "is_helpful = false", allowed: "author service_role" },
    delete: "author service_role",
  },
  {
    table: "expert_verifications",
    target: () => `user_id = ${id("expert")}`,
    select: "expert moderator platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.expert_verifications (user_id, expertise_areas, years_of_experience) values (${id("author")}, '{forged}', 50)`,
      allowed: service,
    },
    update: { set: "status = 'rejected', decision_reason = 'x'", allowed: service },
    delete: service,
  },
  {
    table: "forum_experts",
    target: () => `user_id = ${id("expert")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.forum_experts (user_id, verification_id, expertise_areas, years_of_experience) values (${id("member")}, ${id("pendingApplication")}, '{forged}', 1)`,
      allowed: service,
    },
    update: { set: "helpful_votes_received = 1000", allowed: service },
    delete: service,
  },
  {
    table: "content_flags",
    target: () => `id = ${id("flag")}`,
    select: "member moderator platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.content_flags (target_kind, target_id, flagged_by, reason, weight) values ('forum_thread', ${id("thread")}, ${id("expert")}, 'spam', 9)`,
      allowed: service,
    },
    update: { set: "weight = 50", allowed: service },
    delete: service,
  },
  {
    table: "moderation_items",
    target: () => `target_id = ${id("thread")}`,
    select: moderators,
    insert: {
      sql: () =>
        `insert into public.moderation_items (target_kind, target_id, author_id) values ('forum_response', ${id("response")}, ${id("author")})`,
      allowed: service,
    },
    update: { set: "state = 'removed'", allowed: service },
    delete: service,
  },
  {
    table: "moderation_actions",
    target: () => `target_id = ${id("thread")}`,
    select: "author moderator platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.moderation_actions (action, subject_user_id, reason) values ('suspended', ${id("author")}, 'forged')`,
      allowed: service,
    },
    update: { set: "reason = 'rewritten'", allowed: service },
    delete: service,
  },
];

describeRlsMatrix(specs, roles, attempt);

describe("RLS: hidden content and private documents", () => {
  it("a hidden thread and response are seen by their author, moderators and the service role only", async () => {
    await db().sql(`update public.forum_threads set moderation_state = 'hidden' where id = $1`, [
      w.ids.otherThread,
    ]);
    const seers = [];
    for (const role of roles) {
      const result = await attempt(
        role,
        `select 1 from public.forum_threads where id = ${id("otherThread")}`,
      );
      if ("rows" in result && result.rows === 1) seers.push(role);
    }
    expect(seers).toEqual(["moderator", "platform_admin", "service_role"]);
    await db().sql(`update public.forum_threads set moderation_state = 'visible' where id = $1`, [
      w.ids.otherThread,
    ]);
  });

  it("expert-documents: the applicant and moderators read a document, nobody else", async () => {
    const name = `${w.ids.expert}/diploma.pdf`;
    await db().sql(
      `insert into storage.objects (bucket_id, name, owner_id, metadata) values ('expert-documents', $1, $2, '{"mimetype":"application/pdf","size":1}')`,
      [name, w.ids.expert],
    );
    const readers = [];
    for (const role of roles) {
      const result = await attempt(
        role,
        `select 1 from storage.objects where bucket_id = 'expert-documents' and name = '${name}'`,
      );
      if ("rows" in result && result.rows === 1) readers.push(role);
    }
    expect(readers).toEqual(["expert", "moderator", "platform_admin", "service_role"]);
    const upload = await attempt(
      "member",
      `insert into storage.objects (bucket_id, name) values ('expert-documents', '${w.ids.expert}/forged.pdf')`,
    );
    expect(upload).toMatchObject({ code: "42501" });
  });
});
