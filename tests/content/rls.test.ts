// The RLS matrix of the content tables (sql/0040_blog_about_reference.sql, blog_subscriptions) × anon, a member of
// the organization, the post's author (staff), another organization's staff, a platform admin
// and the service role × select, insert, update and delete, on a draft post (and what hangs off
// it) and an unpublished about page; public rows are read by everyone. Each cell runs as
// PostgREST runs a request, in a transaction that is rolled back.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attemptAs, describeRlsMatrix, type TableMatrix } from "../helpers/rls-matrix.ts";
import { anon, Db, serviceRole, stack, type Claims } from "../helpers/db.ts";

const roles = [
  "anon",
  "member",
  "author",
  "other_staff",
  "platform_admin",
  "service_role",
] as const;
type Role = (typeof roles)[number];

let db: Db;
const claims = {} as Record<Role, Claims>;
const ids: Record<string, string> = {};
const id = (name: string) => `'${ids[name]}'`;

beforeAll(async () => {
  db = new Db(stack().dbUrl);
  const [owner, member, author, otherStaff, platformAdmin] = await Promise.all(
    ["owner", "member", "author", "other staff", "platform admin"].map((name) =>
      db.createUser({ full_name: `Content RLS ${name}` }),
    ),
  );
  Object.assign(claims, {
    anon,
    member: member!.claims,
    author: author!.claims,
    other_staff: otherStaff!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  });
  for (const name of [
    "org",
    "otherOrg",
    "draft",
    "public",
    "page",
    "publicPage",
    "category",
    "reference",
    "subscription",
  ])
    ids[name] = randomUUID();
  const sql = (text: string, params: unknown[] = []) => db.sql(text, params);
  await sql("insert into public.platform_admins (user_id) values ($1)", [platformAdmin!.id]);
  await sql(
    "insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Content RLS', $4), ($3, $5, 'Other', $4)",
    [
      ids.org,
      `content-rls-${ids.org!.slice(0, 8)}`,
      ids.otherOrg,
      owner!.id,
      `content-rls-${ids.otherOrg!.slice(0, 8)}`,
    ],
  );
  await sql(
    "insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($1, $3, 'member'), ($4, $5, 'staff')",
    [ids.org, author!.id, member!.id, ids.otherOrg, otherStaff!.id],
  );
  await sql("insert into public.blog_categories (id, slug, name) values ($1, $2, 'News')", [
    ids.category,
    `news-${ids.category!.slice(0, 8)}`,
  ]);
  await sql(
    `insert into public.blog_posts (id, organization_id, author_id, title, slug, status) values
       ($1, $3, $4, 'Draft', $5, 'draft'), ($2, $3, $4, 'Public', $6, 'published')`,
    [
      ids.draft,
      ids.public,
      ids.org,
      author!.id,
      `draft-${ids.draft!.slice(0, 8)}`,
      `public-${ids.public!.slice(0, 8)}`,
    ],
  );
  for (const post of [ids.draft, ids.public])
    await sql(
      "insert into public.blog_post_images (post_id, storage_path, caption) values ($1::uuid, $1::text || '/a.png', 'A')",
      [post],
    );
  await sql(
    "insert into public.blog_post_slugs (slug, post_id, organization_id) values ($1, $2, $3), ($4, $5, $3)",
    [
      `old-draft-${ids.draft!.slice(0, 8)}`,
      ids.draft,
      ids.org,
      `old-public-${ids.public!.slice(0, 8)}`,
      ids.public,
    ],
  );
  await sql(
    "insert into public.about_pages (id, organization_id, slug, title, is_published) values ($1, $3, 'draft', 'Draft', false), ($2, $3, 'public', 'Public', true)",
    [ids.page, ids.publicPage, ids.org],
  );
  for (const page of [ids.page, ids.publicPage])
    await sql("insert into public.about_sections (page_id, heading) values ($1, 'Intro')", [page]);
  await sql(
    "insert into public.reference_items (id, kind, code, label) values ($1, 'level', $2, 'Pro')",
    [ids.reference, `pro-${ids.reference!.slice(0, 8)}`],
  );
  ids.memberUser = member!.id;
  await sql(
    "insert into public.blog_subscriptions (id, user_id, organization_id) values ($1, $2, $3)",
    [ids.subscription, member!.id, ids.org],
  );
});

afterAll(async () => {
  await db?.end();
});

const attempt = (role: Role, statement: string) => attemptAs(db, claims[role], statement);

const everyone = roles.join(" ");
const managers = "author platform_admin service_role";
const admins = "platform_admin service_role";
const service = "service_role";

const specs: TableMatrix<Role>[] = [
  {
    table: "blog_categories",
    target: () => `id = ${id("category")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.blog_categories (slug, name) values ('cat-${randomUUID().slice(0, 8)}', 'Cat')`,
      allowed: admins,
    },
    update: { set: "name = 'Updates'", allowed: admins },
    delete: admins,
  },
  {
    table: "blog_posts",
    target: () => `id = ${id("draft")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.blog_posts (organization_id, title) values (${id("org")}, 'New post')`,
      allowed: managers,
    },
    update: { set: "summary = 'Short'", allowed: managers },
    delete: managers,
  },
  {
    table: "blog_post_slugs",
    target: () => `post_id = ${id("draft")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.blog_post_slugs (slug, post_id) values ('forged-${randomUUID().slice(0, 8)}', ${id("public")})`,
      allowed: service,
    },
    update: { set: "retired_at = now()", allowed: service },
    delete: service,
  },
  {
    table: "blog_post_images",
    target: () => `post_id = ${id("draft")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.blog_post_images (post_id, storage_path) values (${id("draft")}, ${id("draft")} || '/b.png')`,
      allowed: managers,
    },
    update: { set: "caption = 'B'", allowed: managers },
    delete: managers,
  },
  {
    table: "about_pages",
    target: () => `id = ${id("page")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.about_pages (organization_id, slug, title) values (${id("org")}, 'team', 'Team')`,
      allowed: managers,
    },
    update: { set: "title = 'Renamed'", allowed: managers },
    delete: managers,
  },
  {
    table: "about_sections",
    target: () => `page_id = ${id("page")}`,
    select: managers,
    insert: {
      sql: () =>
        `insert into public.about_sections (page_id, heading) values (${id("page")}, 'More')`,
      allowed: managers,
    },
    update: { set: "body = 'Text'", allowed: managers },
    delete: managers,
  },
  {
    table: "reference_items",
    target: () => `id = ${id("reference")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.reference_items (kind, code, label) values ('region', 'r-${randomUUID().slice(0, 8)}', 'Region')`,
      allowed: admins,
    },
    update: { set: "label = 'Professional'", allowed: admins },
    delete: admins,
  },
  {
    table: "blog_subscriptions",
    target: () => `id = ${id("subscription")}`,
    select: "member service_role",
    insert: {
      // A person follows for themselves (user_id defaults to them); the service role names one.
      sql: (role) =>
        role === "service_role"
          ? `insert into public.blog_subscriptions (user_id, organization_id) values (${id("memberUser")}, ${id("otherOrg")})`
          : `insert into public.blog_subscriptions (organization_id) values (${id("otherOrg")})`,
      allowed: "member author other_staff platform_admin service_role",
    },
    update: { set: "organization_id = null", allowed: service },
    delete: "member service_role",
  },
];

describeRlsMatrix(specs, roles, attempt);

describe("RLS: public content", () => {
  it.each(roles)(
    "%s reads the published post, its album, its old slug and the published about page",
    async (role) => {
      for (const statement of [
        `select 1 from public.blog_posts where id = ${id("public")}`,
        `select 1 from public.blog_post_images where post_id = ${id("public")}`,
        `select 1 from public.blog_post_slugs where post_id = ${id("public")}`,
        `select 1 from public.about_pages where id = ${id("publicPage")}`,
        `select 1 from public.about_sections where page_id = ${id("publicPage")}`,
      ])
        expect(await attempt(role, statement)).toEqual({ rows: 1 });
    },
  );

  it("another organization's staff cannot change the published post", async () => {
    expect(
      await attempt(
        "other_staff",
        `update public.blog_posts set title = 'Mine' where id = ${id("public")}`,
      ),
    ).toEqual({ rows: 0 });
  });

  it("the author cannot hand the post to another author or organization", async () => {
    expect(
      await attempt(
        "author",
        `update public.blog_posts set author_id = null where id = ${id("public")}`,
      ),
    ).toMatchObject({ code: "42501" });
  });
});
