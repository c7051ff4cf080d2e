// The RLS matrix of the marketplace tables (sql/0034-0036 and the migrations marketplace_moderation
// and seller_verification) × anon, a buyer, a seller, a store member (admin of the store), another
// member, a moderator (forum_moderators: the one moderation queue's), a suspended member, a
// platform admin and the service role × select, insert, update and delete. Each cell runs as
// PostgREST runs a request (authenticator → role + JWT claims) in a transaction that is rolled
// back.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { attemptAs, describeRlsMatrix, type TableMatrix } from "../helpers/rls-matrix.ts";
import { anon, db, serviceRole, type Claims } from "../helpers/db.ts";

const roles = [
  "anon",
  "buyer",
  "seller",
  "store_member",
  "stranger",
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
    [
      "buyer",
      "seller",
      "store member",
      "stranger",
      "platform admin",
      "founder",
      "moderator",
      "suspended",
    ].map((name) => database.createUser({ full_name: `Market RLS ${name}` })),
  );
  const [buyer, seller, storeMember, stranger, platformAdmin, founder, moderator, suspended] =
    people;
  w.claims = {
    anon,
    buyer: buyer!.claims,
    seller: seller!.claims,
    store_member: storeMember!.claims,
    stranger: stranger!.claims,
    moderator: moderator!.claims,
    suspended: suspended!.claims,
    platform_admin: platformAdmin!.claims,
    service_role: serviceRole,
  };
  Object.assign(w.ids, {
    buyer: buyer!.id,
    seller: seller!.id,
    stranger: stranger!.id,
    founder: founder!.id,
  });
  for (const name of [
    "store",
    "store2",
    "carActive",
    "carPending",
    "storeCar",
    "part",
    "category",
    "leafCategory",
    "comment",
    "comment2",
    "comment3",
    "review",
    "review2",
    "review3",
    "verification",
    "storeVerification",
  ])
    w.ids[name] = randomUUID();
  const sql = (text: string, params: unknown[] = []) => database.sql(text, params);
  await sql(`insert into public.platform_admins (user_id) values ($1)`, [platformAdmin!.id]);
  await sql(`insert into public.forum_moderators (user_id) values ($1)`, [moderator!.id]);
  await sql(
    `insert into public.profile_suspensions (profile_id, suspended_at, reason) values ($1, now() - interval '1 hour', 'RLS')`,
    [suspended!.id],
  );
  await sql(
    `insert into public.organizations (id, kind, slug, display_name, created_by) values ($1, 'store', $2, 'RLS Store', $5), ($3, 'store', $4, 'RLS Store 2', $5)`,
    [
      w.ids.store,
      `rls-store-${w.ids.store!.slice(0, 8)}`,
      w.ids.store2,
      `rls-store2-${w.ids.store2!.slice(0, 8)}`,
      founder!.id,
    ],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'admin')`,
    [w.ids.store, storeMember!.id],
  );
  await sql(`insert into public.store_profiles (organization_id, tagline) values ($1, 'RLS')`, [
    w.ids.store,
  ]);
  const car = `insert into public.car_listings (id, seller_id, store_id, title, make, model, year, transmission, fuel_type, price_amount, currency, city, status)
               values ($1, $2, $3, 'RLS car', 'Toyota', 'Corolla', 2018, 'automatic', 'gasoline', 1000, 'USD', 'Austin', $4)`;
  await sql(car, [w.ids.carActive, seller!.id, null, "active"]);
  await sql(car, [w.ids.carPending, seller!.id, null, "pending"]);
  await sql(car, [w.ids.storeCar, founder!.id, w.ids.store, "pending"]);
  await sql(`insert into public.car_specifications (car_listing_id, horsepower) values ($1, 100)`, [
    w.ids.carPending,
  ]);
  await sql(
    `insert into public.listing_images (car_listing_id, storage_path) values ($1::uuid, $1::text || '/front.jpg')`,
    [w.ids.carPending],
  );
  await sql(
    `insert into public.part_categories (id, slug, name) values ($1, $2, 'RLS'), ($3, $4, 'RLS leaf')`,
    [
      w.ids.category,
      `rls-${w.ids.category!.slice(0, 8)}`,
      w.ids.leafCategory,
      `rls-leaf-${w.ids.leafCategory!.slice(0, 8)}`,
    ],
  );
  await sql(
    `insert into public.part_listings (id, seller_id, category_id, title, brand, condition, price_amount, currency, quantity, status)
     values ($1, $2, $3, 'RLS pads', 'Brembo', 'new', 500, 'USD', 5, 'active')`,
    [w.ids.part, seller!.id, w.ids.category],
  );
  await sql(
    `insert into public.part_compatibilities (part_listing_id, make, year_from, year_to) values ($1, 'Toyota', 2010, 2020)`,
    [w.ids.part],
  );
  await sql(
    `insert into public.listing_comments (id, car_listing_id, author_id, body) values ($1, $3, $4, 'Question'), ($2, $3, $5, 'Answer')`,
    [w.ids.comment, w.ids.comment2, w.ids.carActive, buyer!.id, seller!.id],
  );
  await sql(`insert into public.listing_comment_likes (comment_id, user_id) values ($1, $2)`, [
    w.ids.comment,
    buyer!.id,
  ]);
  await sql(
    `insert into public.listing_comments (id, car_listing_id, author_id, body, moderation_state) values ($1, $2, $3, 'Removed', 'removed')`,
    [w.ids.comment3, w.ids.carActive, seller!.id],
  );
  await sql(
    `insert into public.seller_reviews (id, reviewer_id, seller_id, rating, moderation_state) values ($1, $2, $3, 1, 'hidden')`,
    [w.ids.review3, storeMember!.id, seller!.id],
  );
  await sql(
    `insert into public.seller_verification_requests (id, profile_id, requested_by, details) values ($1, $2, $2, 'Licence')`,
    [w.ids.verification, seller!.id],
  );
  await sql(
    `insert into public.seller_verification_requests (id, store_id, requested_by, details) values ($1, $2, $3, 'NPWP')`,
    [w.ids.storeVerification, w.ids.store, storeMember!.id],
  );
  await sql(
    `insert into public.content_flags (target_kind, target_id, flagged_by, reason, weight) values ('comment', $1, $2, 'spam', 1)`,
    [w.ids.comment, buyer!.id],
  );
  await sql(
    `insert into public.moderation_items (target_kind, target_id, author_id, open_flags, open_weight) values ('comment', $1, $2, 1, 1)`,
    [w.ids.comment, buyer!.id],
  );
  await sql(
    `insert into public.seller_reviews (id, reviewer_id, seller_id, rating) values ($1, $3, $5, 4), ($2, $4, $5, 5)`,
    [w.ids.review, w.ids.review2, buyer!.id, stranger!.id, seller!.id],
  );
  await sql(
    `insert into public.seller_review_votes (review_id, user_id, is_helpful) values ($1, $2, true)`,
    [w.ids.review, stranger!.id],
  );
  await sql(`insert into public.wishlist_items (user_id, car_listing_id) values ($1, $2)`, [
    buyer!.id,
    w.ids.carActive,
  ]);
  await sql(
    `insert into public.price_alerts (user_id, kind, make, max_price_amount, currency) values ($1, 'car_search', 'RlsMake', 1000, 'USD')`,
    [buyer!.id],
  );
});

const attempt = (role: Role, statement: string) => attemptAs(db(), w.claims[role], statement);

const everyone = roles.join(" ");
/** Who may write as themselves: every signed-in member but the suspended one. */
const signedIn = "buyer seller store_member stranger moderator platform_admin service_role";
const sellerSide = "seller platform_admin service_role";
const storeSide = "store_member platform_admin service_role";
const platform = "platform_admin service_role";
const service = "service_role";
const me = (fallback: string) => `coalesce(auth.uid(), ${id(fallback)})`;
const carColumns =
  "title, make, model, year, transmission, fuel_type, price_amount, currency, city";
const carValues = "'New', 'Kia', 'Rio', 2020, 'manual', 'gasoline', 1, 'USD', 'Austin'";

const specs: TableMatrix<Role>[] = [
  {
    name: "car_listings (pending, a person's)",
    table: "car_listings",
    target: () => `id = ${id("carPending")}`,
    select: sellerSide,
    insert: {
      sql: () =>
        `insert into public.car_listings (seller_id, ${carColumns}) values (${me("seller")}, ${carValues})`,
      allowed: signedIn,
    },
    update: { set: "description = 'changed'", allowed: sellerSide },
    delete: sellerSide,
  },
  {
    name: "car_listings (pending, a store's)",
    table: "car_listings",
    target: () => `id = ${id("storeCar")}`,
    select: storeSide,
    insert: {
      sql: () =>
        `insert into public.car_listings (seller_id, store_id, ${carColumns}) values (${me("founder")}, ${id("store")}, ${carValues})`,
      allowed: "store_member service_role",
    },
    update: { set: "description = 'changed'", allowed: storeSide },
    delete: storeSide,
  },
  {
    name: "car_listings (active)",
    table: "car_listings",
    target: () => `id = ${id("carActive")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.car_listings (seller_id, ${carColumns}) values (${me("seller")}, ${carValues})`,
      allowed: signedIn,
    },
    update: { set: "description = 'changed'", allowed: sellerSide },
    delete: sellerSide,
  },
  {
    name: "car_specifications",
    table: "car_specifications",
    target: () => `car_listing_id = ${id("carPending")}`,
    select: sellerSide,
    insert: {
      sql: () =>
        `insert into public.car_specifications (car_listing_id, horsepower) values (${id("storeCar")}, 90)`,
      allowed: storeSide,
    },
    update: { set: "horsepower = 120", allowed: sellerSide },
    delete: sellerSide,
  },
  {
    name: "listing_images",
    table: "listing_images",
    target: () => `car_listing_id = ${id("carPending")}`,
    select: sellerSide,
    insert: {
      sql: () =>
        `insert into public.listing_images (car_listing_id, storage_path) values (${id("carPending")}, ${id("carPending")} || '/side.jpg')`,
      allowed: sellerSide,
    },
    update: { set: "alt_text = 'front'", allowed: sellerSide },
    delete: sellerSide,
  },
  {
    name: "part_listings",
    table: "part_listings",
    target: () => `id = ${id("part")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.part_listings (seller_id, category_id, title, brand, condition, price_amount, currency) values (${me("seller")}, ${id("category")}, 'New part', 'Bosch', 'used', 100, 'USD')`,
      allowed: signedIn,
    },
    update: { set: "description = 'changed'", allowed: sellerSide },
    delete: sellerSide,
  },
  {
    name: "part_compatibilities",
    table: "part_compatibilities",
    target: () => `part_listing_id = ${id("part")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.part_compatibilities (part_listing_id, make, year_from, year_to) values (${id("part")}, 'Honda', 2000, 2005)`,
      allowed: sellerSide,
    },
    update: { set: "notes = 'checked'", allowed: sellerSide },
    delete: sellerSide,
  },
  {
    name: "part_categories",
    table: "part_categories",
    target: () => `id = ${id("leafCategory")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.part_categories (slug, name) values ('rls-new-${randomUUID().slice(0, 6)}', 'New')`,
      allowed: platform,
    },
    update: { set: "description = 'changed'", allowed: platform },
    delete: platform,
  },
  {
    name: "store_profiles",
    table: "store_profiles",
    target: () => `organization_id = ${id("store")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.store_profiles (organization_id, tagline) values (${id("store2")}, 'Second')`,
      allowed: platform,
    },
    update: { set: "tagline = 'changed'", allowed: storeSide },
    delete: storeSide,
  },
  {
    name: "listing_comments",
    table: "listing_comments",
    target: () => `id = ${id("comment")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.listing_comments (car_listing_id, author_id, body) values (${id("carActive")}, ${me("buyer")}, 'Hello')`,
      allowed: signedIn,
    },
    // The author edits the text; moderators decide through moderate_content, not by updating.
    update: { set: "body = 'edited'", allowed: "buyer service_role" },
    delete: "buyer moderator platform_admin service_role",
  },
  {
    name: "listing_comments (removed by moderation)",
    table: "listing_comments",
    target: () => `id = ${id("comment3")}`,
    select: "seller moderator platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.listing_comments (car_listing_id, parent_id, author_id, body) values (${id("carActive")}, ${id("comment")}, ${me("buyer")}, 'Reply')`,
      allowed: signedIn,
    },
    update: { set: "moderation_state = 'visible'", allowed: service },
    delete: "seller moderator platform_admin service_role",
  },
  {
    name: "content_flags (on a listing comment)",
    table: "content_flags",
    target: () => `target_id = ${id("comment")}`,
    select: "buyer moderator platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.content_flags (target_kind, target_id, flagged_by, reason, weight) values ('comment', ${id("comment")}, ${me("stranger")}, 'spam', 1)`,
      allowed: service,
    },
    update: { set: "weight = 50", allowed: service },
    delete: service,
  },
  {
    name: "listing_comment_likes",
    table: "listing_comment_likes",
    target: () => `comment_id = ${id("comment")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.listing_comment_likes (comment_id, user_id) values (${id("comment2")}, ${me("buyer")})`,
      allowed: signedIn,
    },
    update: { set: "created_at = now()", allowed: service },
    delete: "buyer service_role",
  },
  {
    name: "seller_reviews",
    table: "seller_reviews",
    target: () => `id = ${id("review")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.seller_reviews (reviewer_id, seller_id, rating) values (${me("buyer")}, ${id("founder")}, 3)`,
      allowed: signedIn,
    },
    update: { set: "body = 'edited'", allowed: "buyer service_role" },
    delete: "buyer moderator platform_admin service_role",
  },
  {
    name: "seller_reviews (hidden pending review)",
    table: "seller_reviews",
    target: () => `id = ${id("review3")}`,
    select: "seller store_member moderator platform_admin service_role",
    insert: {
      sql: () =>
        `insert into public.seller_reviews (reviewer_id, seller_id, rating) values (${me("buyer")}, ${id("founder")}, 2)`,
      allowed: signedIn,
    },
    update: { set: "moderation_state = 'visible'", allowed: service },
    delete: "store_member moderator platform_admin service_role",
  },
  {
    name: "seller_review_votes",
    table: "seller_review_votes",
    target: () => `review_id = ${id("review")}`,
    select: "stranger service_role",
    insert: {
      sql: () =>
        `insert into public.seller_review_votes (review_id, user_id, is_helpful) values (${id("review2")}, ${me("buyer")}, true)`,
      allowed: signedIn,
    },
    update: { set: "is_helpful = false", allowed: "stranger service_role" },
    delete: "stranger service_role",
  },
  {
    name: "seller_ratings",
    table: "seller_ratings",
    target: () => `seller_id = ${id("seller")}`,
    select: everyone,
    insert: {
      sql: () =>
        `insert into public.seller_ratings (subject_id, seller_id) values (${id("founder")}, ${id("founder")})`,
      allowed: service,
    },
    update: { set: "updated_at = now()", allowed: service },
    delete: service,
  },
  {
    name: "wishlist_items",
    table: "wishlist_items",
    target: () => `user_id = ${id("buyer")}`,
    select: "buyer service_role",
    insert: {
      sql: () =>
        `insert into public.wishlist_items (user_id, part_listing_id) values (${me("buyer")}, ${id("part")})`,
      allowed: signedIn,
    },
    update: { set: "note = 'maybe'", allowed: "buyer service_role" },
    delete: "buyer service_role",
  },
  {
    name: "price_alerts",
    table: "price_alerts",
    target: () => `user_id = ${id("buyer")}`,
    select: "buyer service_role",
    insert: {
      sql: () =>
        `insert into public.price_alerts (user_id, kind, make, max_price_amount, currency) values (${me("buyer")}, 'car_search', 'Kia', 5, 'USD')`,
      allowed: signedIn,
    },
    update: { set: "is_active = false", allowed: "buyer service_role" },
    delete: "buyer service_role",
  },
  {
    name: "seller_verification_requests (a person's)",
    table: "seller_verification_requests",
    target: () => `id = ${id("verification")}`,
    select: sellerSide,
    insert: {
      sql: () =>
        `insert into public.seller_verification_requests (profile_id, requested_by, details) values (${me("buyer")}, ${me("buyer")}, 'Me')`,
      allowed: service,
    },
    update: { set: "status = 'approved', decided_at = now()", allowed: service },
    delete: service,
  },
  {
    name: "seller_verification_requests (a store's)",
    table: "seller_verification_requests",
    target: () => `id = ${id("storeVerification")}`,
    select: storeSide,
    insert: {
      sql: () =>
        `insert into public.seller_verification_requests (store_id, requested_by, details) values (${id("store2")}, ${me("founder")}, 'Store 2')`,
      allowed: service,
    },
    update: { set: "details = 'changed'", allowed: service },
    delete: service,
  },
];

describeRlsMatrix(specs, roles, attempt);

describe("RLS: listing-images storage", () => {
  it("the seller and platform admins upload under a listing's folder; the store member and others cannot", async () => {
    const upload = (role: Role) =>
      attempt(
        role,
        `insert into storage.objects (bucket_id, name) values ('listing-images', '${w.ids.carPending}/${role}.jpg')`,
      );
    expect(await upload("seller")).toEqual({ rows: 1 });
    expect(await upload("platform_admin")).toEqual({ rows: 1 });
    for (const role of ["buyer", "store_member", "stranger"] as const)
      expect(await upload(role)).toMatchObject({ code: "42501" });
    expect(await upload("anon")).toMatchObject({ code: "42501" });
  });
});
