// Marketplace comments and seller reviews (issue 17, items 5, 6, 9 and 10; sql/0035): comments and
// replies on listings with likes, flags (the moderation queue's, since the migration
// marketplace_moderation) and counts kept by the database; reviews with verified purchases from
// paid invoices, the seller's one response, helpful votes, and the seller_ratings aggregate kept
// exact under 100 concurrent reviews, edits and deletions; the notifications they send. supabase-js
// against the run's stack; the RLS matrix is in rls.test.ts.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { db, sql, stack } from "../helpers/db.ts";
import { signJwt, supabaseClient } from "../helpers/supabase.ts";
import {
  approve,
  listCar,
  listPart,
  notificationsOf,
  partCategory,
  platformAdmin,
  suspend,
} from "./helpers.ts";

let seller: SignedInPerson;
let buyer: SignedInPerson;
let other: SignedInPerson;
let moderator: SignedInPerson;

beforeAll(async () => {
  [seller, buyer, other, moderator] = await Promise.all([
    signedInPerson("Review Seller"),
    signedInPerson("Review Buyer"),
    signedInPerson("Review Other"),
    platformAdmin("Review Moderator"),
  ]);
});

const commentRow = async (id: string) =>
  (
    await sql(
      "select reply_count, like_count, moderation_state, body from public.listing_comments where id = $1",
      [id],
    )
  )[0];

describe("comments, replies and likes", () => {
  it("a comment on a listing, a reply, likes: counted by the database, notified to the author", async () => {
    const car = await listCar(seller.client);
    await approve(moderator.client, "car_listings", car.id);
    const comment = ok(
      await buyer.client
        .from("listing_comments")
        .insert({ car_listing_id: car.id, body: "Is the timing belt done?" })
        .select()
        .single<{ id: string }>(),
    );
    const reply = ok(
      await seller.client
        .from("listing_comments")
        .insert({ parent_id: comment.id, body: "Yes, at 60,000 km." })
        .select()
        .single<{ id: string; car_listing_id: string }>(),
    );
    expect(reply.car_listing_id).toBe(car.id);
    const replyToReply = await buyer.client
      .from("listing_comments")
      .insert({ parent_id: reply.id, body: "Thanks" });
    expect(replyToReply).toMatchObject({ status: 400, error: { code: "22023" } });

    ok(await seller.client.from("listing_comment_likes").insert({ comment_id: comment.id }));
    ok(await other.client.from("listing_comment_likes").insert({ comment_id: comment.id }));
    ok(await buyer.client.from("listing_comment_likes").insert({ comment_id: comment.id }));
    const twice = await other.client
      .from("listing_comment_likes")
      .insert({ comment_id: comment.id });
    expect(twice).toMatchObject({ status: 409, error: { code: "23505" } });
    expect(await commentRow(comment.id)).toMatchObject({ reply_count: 1, like_count: 3 });
    ok(
      await other.client
        .from("listing_comment_likes")
        .delete()
        .eq("comment_id", comment.id)
        .eq("user_id", other.user.id),
    );
    expect(await commentRow(comment.id)).toMatchObject({ reply_count: 1, like_count: 2 });
    expect(
      await sql("select comment_count from public.car_listings where id = $1", [car.id]),
    ).toEqual([{ comment_count: 1 }]);

    const types = (await notificationsOf(buyer.user.id)).map((n) => n.type).sort();
    // The reply and two likes by others; not the buyer's own like.
    expect(types).toEqual([
      "listing_comment_like",
      "listing_comment_like",
      "listing_comment_reply",
    ]);

    // The author edits; someone else cannot; deleting the comment takes its reply and count along.
    ok(
      await buyer.client
        .from("listing_comments")
        .update({ body: "Timing belt?" })
        .eq("id", comment.id)
        .select(),
    );
    expect(
      ok(
        await other.client
          .from("listing_comments")
          .update({ body: "spam" })
          .eq("id", comment.id)
          .select(),
      ),
    ).toEqual([]);
    expect(await commentRow(comment.id)).toMatchObject({ body: "Timing belt?" });
    const counts = await seller.client
      .from("listing_comments")
      .update({ like_count: 99 })
      .eq("id", reply.id);
    expect(counts).toMatchObject({ status: 403 });
    ok(await buyer.client.from("listing_comments").delete().eq("id", comment.id));
    expect(
      await sql("select comment_count from public.car_listings where id = $1", [car.id]),
    ).toEqual([{ comment_count: 0 }]);
    expect(await sql("select 1 from public.listing_comments where id = $1", [reply.id])).toEqual(
      [],
    );
  });

  it("flags reach the moderation queue, whose moderators remove a comment; a pending listing cannot be commented by others; suspended accounts cannot comment", async () => {
    const car = await listCar(seller.client);
    const hidden = await other.client
      .from("listing_comments")
      .insert({ car_listing_id: car.id, body: "first" });
    expect(hidden).toMatchObject({ status: 404, error: { code: "PT404" } });
    await approve(moderator.client, "car_listings", car.id);
    const comment = ok(
      await other.client
        .from("listing_comments")
        .insert({ car_listing_id: car.id, body: "Buy cheap watches" })
        .select()
        .single<{ id: string }>(),
    );
    ok(
      await buyer.client.rpc("flag_content", {
        p_target_kind: "comment",
        p_target_id: comment.id,
        p_reason: "spam",
      }),
    );
    expect(
      await sql(
        "select open_flags, state from public.moderation_items where target_kind = 'comment' and target_id = $1",
        [comment.id],
      ),
    ).toEqual([{ open_flags: 1, state: "visible" }]);
    // Members do not move moderation_state themselves.
    const selfHide = await other.client
      .from("listing_comments")
      .update({ moderation_state: "hidden" })
      .eq("id", comment.id);
    expect(selfHide).toMatchObject({ status: 403, error: { code: "42501" } });
    ok(
      await moderator.client.rpc("moderate_content", {
        p_target_kind: "comment",
        p_target_id: comment.id,
        p_action: "remove",
        p_reason: "Spam",
      }),
    );
    expect(await commentRow(comment.id)).toMatchObject({ moderation_state: "removed" });
    expect(
      ok(await anonClient().from("listing_comments").select("id").eq("id", comment.id)),
    ).toEqual([]);
    expect(
      ok(await buyer.client.from("listing_comments").select("id").eq("id", comment.id)),
    ).toEqual([]);
    expect(
      ok(await other.client.from("listing_comments").select("id").eq("id", comment.id)),
    ).toHaveLength(1);

    const suspended = await signedInPerson("Suspended Commenter");
    await suspend(suspended.user.id);
    const refused = await suspended.client
      .from("listing_comments")
      .insert({ car_listing_id: car.id, body: "hello" });
    expect(refused).toMatchObject({ status: 403, error: { code: "42501" } });
    const review = await suspended.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, rating: 1 });
    expect(review).toMatchObject({ status: 403, error: { code: "42501" } });
    const like = await suspended.client
      .from("listing_comment_likes")
      .insert({ comment_id: comment.id });
    expect(like).toMatchObject({ status: 403, error: { code: "42501" } });
    expect(
      await sql("select 1 from public.seller_reviews where reviewer_id = $1", [suspended.user.id]),
    ).toEqual([]);
  });
});

/** A paid purchase by `person` of one unit of `part`, as the checkout and a payment make it. */
async function purchase(person: SignedInPerson, productId: string): Promise<string> {
  const invoice = ok(
    await person.client.rpc("checkout_products", {
      p_items: [{ product_id: productId, quantity: 1 }],
    }),
  ) as { id: string };
  ok(
    await moderator.client.rpc("record_manual_payment", {
      p_invoice_id: invoice.id,
      p_reference: `cash ${randomUUID()}`,
    }),
  );
  const [item] = await sql<{ id: string }>(
    "select id from public.invoice_items where invoice_id = $1",
    [invoice.id],
  );
  return item!.id;
}

describe("reviews", () => {
  it("verified only from a paid purchase; one review per purchase; no self-review", async () => {
    const category = await partCategory();
    const part = await listPart(seller.client, category, { quantity: 10 });
    await approve(moderator.client, "part_listings", part.id);
    const item = await purchase(buyer, part.product_id as string);

    const claimed = await other.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, rating: 5, verified_purchase: true });
    expect(claimed).toMatchObject({ status: 400, error: { code: "22023" } });
    const stolen = await other.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, rating: 1, invoice_item_id: item });
    expect(stolen).toMatchObject({ status: 400, error: { code: "22023" } });
    const self = await seller.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, rating: 5 });
    expect(self).toMatchObject({ status: 400 });
    const outOfRange = await buyer.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, rating: 6 });
    expect(outOfRange).toMatchObject({ status: 400, error: { code: "23514" } });
    expect(
      await sql("select 1 from public.seller_reviews where seller_id = $1", [seller.user.id]),
    ).toEqual([]);

    const review = ok(
      await buyer.client
        .from("seller_reviews")
        .insert({
          seller_id: other.user.id,
          invoice_item_id: item,
          rating: 4,
          communication_rating: 5,
          shipping_rating: 3,
          body: "Fast",
        })
        .select()
        .single<{
          id: string;
          seller_id: string;
          verified_purchase: boolean;
          part_listing_id: string;
        }>(),
    );
    // The seller is the purchase's, whatever the reviewer said.
    expect(review).toMatchObject({
      seller_id: seller.user.id,
      verified_purchase: true,
      part_listing_id: part.id,
    });
    const again = await buyer.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, invoice_item_id: item, rating: 1 });
    expect(again).toMatchObject({ status: 409, error: { code: "23505" } });
    // One unverified review per buyer and seller besides.
    ok(await buyer.client.from("seller_reviews").insert({ seller_id: seller.user.id, rating: 2 }));
    const secondUnverified = await buyer.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, rating: 2 });
    expect(secondUnverified).toMatchObject({ status: 409 });

    expect(
      (await notificationsOf(seller.user.id)).filter((n) => n.type === "review_received"),
    ).toHaveLength(2);

    // The seller answers once; the reviewer cannot answer; a second answer is a conflict.
    const byReviewer = await buyer.client
      .from("seller_reviews")
      .update({ seller_response: "me" })
      .eq("id", review.id);
    expect(byReviewer).toMatchObject({ status: 403 });
    ok(
      await seller.client
        .from("seller_reviews")
        .update({ seller_response: "Thank you!" })
        .eq("id", review.id)
        .select(),
    );
    const secondAnswer = await seller.client
      .from("seller_reviews")
      .update({ seller_response: "Again" })
      .eq("id", review.id);
    expect(secondAnswer).toMatchObject({ status: 409, error: { code: "PT409" } });
    expect((await notificationsOf(buyer.user.id)).map((n) => n.type)).toContain("seller_response");
    const sellerEdits = await seller.client
      .from("seller_reviews")
      .update({ rating: 5 })
      .eq("id", review.id);
    expect(sellerEdits).toMatchObject({ status: 403 });

    // Helpful votes: one per person, changeable, counted.
    ok(
      await other.client
        .from("seller_review_votes")
        .insert({ review_id: review.id, is_helpful: true }),
    );
    ok(
      await moderator.client
        .from("seller_review_votes")
        .insert({ review_id: review.id, is_helpful: false }),
    );
    const twice = await other.client
      .from("seller_review_votes")
      .insert({ review_id: review.id, is_helpful: false });
    expect(twice).toMatchObject({ status: 409 });
    ok(
      await moderator.client
        .from("seller_review_votes")
        .update({ is_helpful: true })
        .eq("review_id", review.id)
        .eq("user_id", moderator.user.id),
    );
    expect(
      await sql("select helpful_count, unhelpful_count from public.seller_reviews where id = $1", [
        review.id,
      ]),
    ).toEqual([{ helpful_count: 2, unhelpful_count: 0 }]);

    expect(
      await sql(
        "select review_count, average_rating::text from public.part_listings where id = $1",
        [part.id],
      ),
    ).toEqual([{ review_count: 1, average_rating: "4.00" }]);
    const forged = await seller.client
      .from("part_listings")
      .update({ review_count: 50, rating_sum: 250 })
      .eq("id", part.id);
    expect(forged).toMatchObject({ status: 403 });

    const [rating] = ok(
      await anonClient().from("seller_ratings").select("*").eq("seller_id", seller.user.id),
    );
    expect(rating).toMatchObject({
      review_count: 2,
      average_rating: 3,
      rating_4_count: 1,
      rating_2_count: 1,
      average_communication: 5,
      average_shipping: 3,
      average_accuracy: null,
    });
  });

  it("the aggregate stays exact under 100 concurrent reviews, then concurrent edits and deletions", async () => {
    const target = await signedInPerson("Busy Seller");
    const database = db();
    const reviewers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => database.createUser({ full_name: `Reviewer ${i}` })),
    );
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const clients: SupabaseClient[] = await Promise.all(
      reviewers.map(async (r) =>
        supabaseClient(stack().anonKey, { accessToken: await signJwt({ ...r.claims, exp }) }),
      ),
    );
    const created = await Promise.all(
      clients.map((client, i) =>
        client
          .from("seller_reviews")
          .insert({
            seller_id: target.user.id,
            rating: (i % 5) + 1,
            communication_rating: ((i * 3) % 5) + 1,
            accuracy_rating: i % 4 === 0 ? null : ((i * 7) % 5) + 1,
          })
          .select("id")
          .single<{ id: string }>(),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array(100).fill(201));
    // Then, all at once: 40 edits, 30 deletions, and 30 untouched.
    const changes = await Promise.all(
      created.map((r, i) =>
        i < 40
          ? clients[i]!.from("seller_reviews")
              .update({ rating: ((i + 2) % 5) + 1, shipping_rating: 4 })
              .eq("id", r.data!.id)
          : i < 70
            ? clients[i]!.from("seller_reviews").delete().eq("id", r.data!.id)
            : Promise.resolve({ status: 204 }),
      ),
    );
    expect(changes.map((r) => r.status)).toEqual(Array(100).fill(204));

    const [kept] = await sql("select * from public.seller_ratings where seller_id = $1", [
      target.user.id,
    ]);
    const [truth] = await sql(
      `select count(*)::int as review_count, sum(rating)::int as rating_sum,
         count(*) filter (where rating = 1)::int as rating_1_count, count(*) filter (where rating = 2)::int as rating_2_count,
         count(*) filter (where rating = 3)::int as rating_3_count, count(*) filter (where rating = 4)::int as rating_4_count,
         count(*) filter (where rating = 5)::int as rating_5_count,
         coalesce(sum(communication_rating), 0)::int as communication_sum, count(communication_rating)::int as communication_count,
         coalesce(sum(accuracy_rating), 0)::int as accuracy_sum, count(accuracy_rating)::int as accuracy_count,
         coalesce(sum(shipping_rating), 0)::int as shipping_sum, count(shipping_rating)::int as shipping_count,
         round(avg(rating), 2)::text as average_rating
       from public.seller_reviews where seller_id = $1`,
      [target.user.id],
    );
    expect(truth).toMatchObject({ review_count: 70, shipping_count: 40 });
    expect(kept).toMatchObject(truth!);
  });

  it("the first reviews of many new sellers, all at once, all count (sql/0069)", async () => {
    // Each seller's first reviews race to make its seller_ratings row: a loser used to get 409
    // (23505 on seller_ratings_seller_key). A race, so many sellers at once: about 1 in 50 lost.
    const database = db();
    const [sellers, reviewers] = await Promise.all([
      Promise.all(
        Array.from({ length: 40 }, (_, i) => database.createUser({ full_name: `New Seller ${i}` })),
      ),
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          database.createUser({ full_name: `First Reviewer ${i}` }),
        ),
      ),
    ]);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const clients = await Promise.all(
      reviewers.map(async (r) =>
        supabaseClient(stack().anonKey, { accessToken: await signJwt({ ...r.claims, exp }) }),
      ),
    );
    const created = await Promise.all(
      sellers.flatMap((seller) =>
        clients.map((client, i) =>
          client.from("seller_reviews").insert({ seller_id: seller.id, rating: (i % 5) + 1 }),
        ),
      ),
    );
    expect(created.filter((r) => r.status !== 201).map((r) => r.error)).toEqual([]);
    expect(
      await sql(
        "select count(*)::int as exact from public.seller_ratings where seller_id = any($1) and review_count = 10 and rating_sum = 30",
        [sellers.map((s) => s.id)],
      ),
    ).toEqual([{ exact: 40 }]);
  });
});
