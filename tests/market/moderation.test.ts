// The marketplace in the one moderation system (migration marketplace_moderation): comments,
// replies and reviews are flagged with flag_content and decided with moderate_content like forum
// content, a hidden review leaves its seller's aggregate; a suspended member can make none of the
// marketplace's writes until the suspension's time ends; a comment on a listing notifies its seller
// or store staff.
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { moderator as forumModerator } from "../forum/helpers.ts";
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
let admin: SignedInPerson;
let moderator: SignedInPerson;

beforeAll(async () => {
  [seller, admin, moderator] = await Promise.all([
    signedInPerson("Moderated Seller"),
    platformAdmin("Market Platform Admin"),
    forumModerator("Market Moderator"),
  ]);
});

const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

const flag = (client: SupabaseClient, kind: string, id: string) =>
  client.rpc("flag_content", { p_target_kind: kind, p_target_id: id, p_reason: "spam" });

async function activeCar(): Promise<string> {
  const car = await listCar(seller.client);
  await approve(admin.client, "car_listings", car.id);
  return car.id;
}

describe("marketplace content in the moderation queue", () => {
  it("a reply is flagged as comment_reply, not as comment; a moderator removes it with a reason the author reads in the audit log", async () => {
    const [asker, flagger] = await Promise.all([
      signedInPerson("Queue Asker"),
      signedInPerson("Queue Flagger"),
    ]);
    const carId = await activeCar();
    const comment = ok(
      await asker.client
        .from("listing_comments")
        .insert({ car_listing_id: carId, body: "Still for sale?" })
        .select("id")
        .single<{ id: string }>(),
    );
    const reply = ok(
      await asker.client
        .from("listing_comments")
        .insert({ parent_id: comment.id, body: "Visit cheap-parts.example" })
        .select("id")
        .single<{ id: string }>(),
    );
    expect(await flag(flagger.client, "comment", reply.id)).toMatchObject({
      status: 404,
      error: { code: "PT404" },
    });
    ok(await flag(flagger.client, "comment_reply", reply.id));
    expect(await flag(flagger.client, "comment_reply", reply.id)).toMatchObject({
      status: 409,
      error: { code: "PT409" },
    });
    expect(
      ok(await moderator.client.from("moderation_items").select("target_kind, open_flags")),
    ).toContainEqual({ target_kind: "comment_reply", open_flags: 1 });

    ok(
      await moderator.client.rpc("moderate_content", {
        p_target_kind: "comment_reply",
        p_target_id: reply.id,
        p_action: "remove",
        p_reason: "Advertising",
      }),
    );
    expect(
      ok(await flagger.client.from("listing_comments").select("id").eq("id", reply.id)),
    ).toEqual([]);
    expect(
      ok(
        await asker.client
          .from("moderation_actions")
          .select("action, reason")
          .eq("target_id", reply.id),
      ),
    ).toEqual([{ action: "removed", reason: "Advertising" }]);
    expect((await notificationsOf(asker.user.id)).map((n) => n.type)).toContain(
      "moderation_decision",
    );
    // The comment itself is untouched.
    expect(
      ok(await anonClient().from("listing_comments").select("id").eq("id", comment.id)),
    ).toHaveLength(1);
  });

  it("flags that weigh enough hide a review, which leaves the seller's aggregate until a moderator approves it", async () => {
    const [reviewer, ...flaggers] = await Promise.all(
      ["Hidden Reviewer", "Review Flagger 1", "Review Flagger 2", "Review Flagger 3"].map((n) =>
        signedInPerson(n),
      ),
    );
    const reviewed = await signedInPerson("Reviewed Seller");
    const review = ok(
      await reviewer!.client
        .from("seller_reviews")
        .insert({ seller_id: reviewed.user.id, rating: 1, body: "Insults" })
        .select("id")
        .single<{ id: string }>(),
    );
    const aggregate = async () =>
      (
        await sql<{ review_count: number }>(
          "select review_count from public.seller_ratings where seller_id = $1",
          [reviewed.user.id],
        )
      )[0]?.review_count;
    expect(await aggregate()).toBe(1);
    for (const f of flaggers) ok(await flag(f.client, "review", review.id));
    expect(
      await sql("select moderation_state from public.seller_reviews where id = $1", [review.id]),
    ).toEqual([{ moderation_state: "hidden" }]);
    expect(await aggregate()).toBe(0);
    expect(ok(await anonClient().from("seller_reviews").select("id").eq("id", review.id))).toEqual(
      [],
    );
    expect(
      ok(await flaggers[0]!.client.from("seller_reviews").select("id").eq("id", review.id)),
    ).toEqual([]);
    for (const who of [reviewer!, reviewed, moderator])
      expect(
        ok(await who.client.from("seller_reviews").select("id").eq("id", review.id)),
      ).toHaveLength(1);
    // The reviewer cannot show it again by themselves.
    expect(
      await reviewer!.client
        .from("seller_reviews")
        .update({ moderation_state: "visible" })
        .eq("id", review.id),
    ).toMatchObject({ status: 403, error: { code: "42501" } });

    ok(
      await moderator.client.rpc("moderate_content", {
        p_target_kind: "review",
        p_target_id: review.id,
        p_action: "approve",
      }),
    );
    expect(await aggregate()).toBe(1);
    expect(
      ok(await anonClient().from("seller_reviews").select("id").eq("id", review.id)),
    ).toHaveLength(1);
  });

  it("the marketplace keeps no flags of its own", async () => {
    expect(
      await sql(
        `select table_name, column_name from information_schema.columns
         where table_schema = 'public' and (table_name = 'listing_comment_flags' or column_name in ('flag_count', 'is_hidden'))
           and table_name in ('listing_comment_flags', 'listing_comments')`,
      ),
    ).toEqual([]);
  });
});

describe("suspension across the marketplace", () => {
  it("a suspended member cannot list, change a listing's images (rows or files), specifications or fit, comment, like, review, vote, flag or save; all of it works again once the time ends", async () => {
    const member = await signedInPerson("Suspended Seller");
    const bystander = await signedInPerson("Bystander");
    const car = await listCar(member.client);
    await approve(admin.client, "car_listings", car.id);
    const part = await listPart(member.client, await partCategory());
    const otherCar = await activeCar();
    const comment = ok(
      await bystander.client
        .from("listing_comments")
        .insert({ car_listing_id: otherCar, body: "Nice car" })
        .select("id")
        .single<{ id: string }>(),
    );
    const review = ok(
      await bystander.client
        .from("seller_reviews")
        .insert({ seller_id: seller.user.id, rating: 5 })
        .select("id")
        .single<{ id: string }>(),
    );
    ok(
      await member.client
        .from("seller_review_votes")
        .insert({ review_id: review.id, is_helpful: true }),
    );
    ok(
      await member.client.storage
        .from("listing-images")
        .upload(`${car.id}/kept.png`, png, { contentType: "image/png" }),
    );
    await suspend(member.user.id, new Date(Date.now() + 3_600_000).toISOString());

    const c = member.client;
    const attempts = {
      list: await listCarAttempt(c),
      image: await c
        .from("listing_images")
        .insert({ car_listing_id: car.id, storage_path: `${car.id}/front.jpg` }),
      specification: await c
        .from("car_specifications")
        .insert({ car_listing_id: car.id, horsepower: 140 }),
      fit: await c
        .from("part_compatibilities")
        .insert({ part_listing_id: part.id, make: "Toyota", year_from: 2010, year_to: 2015 }),
      comment: await c.from("listing_comments").insert({ car_listing_id: otherCar, body: "Hi" }),
      like: await c.from("listing_comment_likes").insert({ comment_id: comment.id }),
      review: await c.from("seller_reviews").insert({ seller_id: seller.user.id, rating: 4 }),
      vote: await c
        .from("seller_review_votes")
        .update({ is_helpful: false })
        .eq("review_id", review.id)
        .select(),
      flag: await flag(c, "comment", comment.id),
      save: await c.from("wishlist_items").insert({ car_listing_id: otherCar }),
      upload: await c.storage
        .from("listing-images")
        .upload(`${car.id}/side.png`, png, { contentType: "image/png" }),
      // Nor replace an image a listing already shows (storage writes it as an upsert, so the
      // upload policy's check on an active account applies).
      replace: await c.storage
        .from("listing-images")
        .update(`${car.id}/kept.png`, png, { contentType: "image/png" }),
    };
    for (const [what, result] of Object.entries(attempts)) {
      // An update RLS filters out answers 200 with no rows; every other refusal is a 403.
      if (what === "vote") expect(result, what).toMatchObject({ status: 200, data: [] });
      else if (what === "upload" || what === "replace") expect(result.error, what).not.toBeNull();
      else expect(result, what).toMatchObject({ status: 403, error: { code: "42501" } });
    }
    expect(
      await sql(
        `select (select count(*) from public.listing_images where car_listing_id = $1)::int as images,
           (select count(*) from public.car_specifications where car_listing_id = $1)::int as specs,
           (select count(*) from public.part_compatibilities where part_listing_id = $2)::int as fits,
           (select count(*) from public.listing_comments where author_id = $3)::int as comments,
           (select count(*) from public.seller_review_votes where user_id = $3 and is_helpful)::int as helpful_votes`,
        [car.id, part.id, member.user.id],
      ),
    ).toEqual([{ images: 0, specs: 0, fits: 0, comments: 0, helpful_votes: 1 }]);

    // The suspension ends by its time alone: no job runs in between.
    await sql(
      "update public.profile_suspensions set suspended_until = now() - interval '1 second' where profile_id = $1",
      [member.user.id],
    );
    ok(
      await c
        .from("listing_images")
        .insert({ car_listing_id: car.id, storage_path: `${car.id}/front.jpg` }),
    );
    ok(await c.from("listing_comments").insert({ car_listing_id: otherCar, body: "Hi" }));
    ok(
      await c
        .from("seller_review_votes")
        .update({ is_helpful: false })
        .eq("review_id", review.id)
        .select()
        .single(),
    );
    ok(await flag(c, "comment", comment.id));
    ok(
      await c.storage
        .from("listing-images")
        .upload(`${car.id}/side.png`, png, { contentType: "image/png" }),
    );
    ok(
      await c.storage
        .from("listing-images")
        .update(`${car.id}/kept.png`, png, { contentType: "image/png" }),
    );
  });
});

const listCarAttempt = (client: SupabaseClient) =>
  client.from("car_listings").insert({
    title: "Suspended listing",
    make: "Kia",
    model: "Rio",
    year: 2020,
    transmission: "manual",
    fuel_type: "gasoline",
    price_amount: 100,
    currency: "USD",
    city: "Austin",
  });

describe("notifications to the seller", () => {
  it("a top-level comment on a listing notifies its seller (a store's staff), not a reply or their own comment", async () => {
    const [buyer, staff, storeAdmin] = await Promise.all([
      signedInPerson("Curious Buyer"),
      signedInPerson("Store Staff"),
      signedInPerson("Store Owner"),
    ]);
    const carId = await activeCar();
    const comment = ok(
      await buyer.client
        .from("listing_comments")
        .insert({ car_listing_id: carId, body: "Any rust?" })
        .select("id")
        .single<{ id: string }>(),
    );
    ok(await seller.client.from("listing_comments").insert({ car_listing_id: carId, body: "FYI" }));
    ok(await buyer.client.from("listing_comments").insert({ parent_id: comment.id, body: "?" }));
    const sellerNotes = (await notificationsOf(seller.user.id)).filter(
      (n) => n.type === "listing_comment" && n.data.listing_id === carId,
    );
    expect(sellerNotes).toHaveLength(1);
    expect(sellerNotes[0]).toMatchObject({
      title: "Curious Buyer commented on 2018 Toyota Corolla LE",
      data: { comment_id: comment.id, listing_id: carId },
    });

    const [store] = await sql<{ id: string }>(
      `insert into public.organizations (kind, slug, display_name, created_by)
       values ('store', 'notify-store-' || substr(md5(random()::text), 1, 8), 'Notify Store', $1) returning id`,
      [storeAdmin.user.id],
    );
    await sql(
      `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'staff')
       on conflict (organization_id, user_id) do update set role = excluded.role`,
      [store!.id, storeAdmin.user.id, staff.user.id],
    );
    const storeCar = await listCar(staff.client, { store_id: store!.id });
    await approve(admin.client, "car_listings", storeCar.id);
    ok(
      await buyer.client
        .from("listing_comments")
        .insert({ car_listing_id: storeCar.id, body: "Financing?" }),
    );
    for (const person of [staff, storeAdmin])
      expect(
        (await notificationsOf(person.user.id)).filter((n) => n.type === "listing_comment"),
        person.user.id,
      ).toHaveLength(1);
  });
});
