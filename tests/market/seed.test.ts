// The marketplace demo data (seed/0006_marketplace.sql) as the seeded people see it through
// supabase-js: the seed's /api/cars/, /api/parts/, /api/part-categories/, /api/company-stores/,
// /api/comments/, /api/reviews/ and /api/seller-ratings/, "parts that fit" eko's Civic, member07's
// wishlist and alerts.
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, signedInClient } from "../helpers/auth.ts";

let eko: SupabaseClient;
let member07: SupabaseClient;
const store = "e0000000-0000-4000-8000-000000000006";

beforeAll(async () => {
  const signIn = (email: string) => signedInClient({ email, password: "pitlane-demo" });
  [eko, member07] = await Promise.all([
    signIn("eko@nusantara-club.test"),
    signIn("member07@example.test"),
  ]);
});

describe("seeded marketplace", () => {
  it("anyone searches the active cars, the featured Jazz first; pending and sold ones are not for sale", async () => {
    const hits = ok(await anonClient().rpc("search_car_listings", { p_currency: "IDR" })) as {
      listing: { title: string };
      is_featured: boolean;
    }[];
    const titles = hits.map((h) => h.listing.title);
    expect(titles.slice(0, 2)).toEqual(["2016 Honda Jazz RS", "2019 Toyota Avanza 1.3 G"]);
    expect(hits[0]!.is_featured).toBe(true);
    expect(titles).not.toContain("2021 Suzuki Ertiga GX");
    const [avanza] = ok(
      await anonClient()
        .from("car_listings")
        .select("title, comment_count, car_specifications(horsepower, service_history)")
        .eq("id", "f2000000-0000-4000-8000-000000000001"),
    );
    expect(avanza).toMatchObject({ comment_count: 1, car_specifications: { horsepower: 96 } });
  });

  it("the category tree, and the store's brake pads fit eko's Civic", async () => {
    const [brakes] = ok(
      await anonClient()
        .from("part_categories")
        .select("name, parent_id, children:part_categories(slug)")
        .eq("slug", "brakes"),
    );
    expect(brakes).toMatchObject({ name: "Brakes", parent_id: null });
    expect(brakes!.children.map((c: { slug: string }) => c.slug).sort()).toEqual([
      "brake-pads",
      "brake-rotors",
    ]);
    const [civic] = ok(await eko.from("vehicles").select("id").eq("vin", "1HGBH41JXMN109186"));
    const fits = ok(
      await eko
        .rpc("parts_that_fit", { p_vehicle_id: civic!.id })
        .select("title, seller_id")
        .in(
          "id",
          [1, 2, 3].map((n) => `f3000000-0000-4000-8000-00000000000${n}`),
        ),
    );
    // Of the seeded parts (other suites add their own), the store's pads fit; the Jazz headlight does not.
    expect(fits).toEqual([
      { title: "Front brake pads, ceramic", seller_id: "b0000000-0000-4000-8000-000000000003" },
    ]);
  });

  it("the store's profile with its rating from a verified review and its response; comments with a reply", async () => {
    const [profile] = ok(
      await eko
        .from("organizations")
        .select(
          "display_name, kind, store_profiles(tagline), seller_ratings(review_count, average_rating, rating_5_count)",
        )
        .eq("id", store),
    );
    expect(profile).toMatchObject({
      display_name: "Sunter Auto Parts",
      kind: "store",
      store_profiles: { tagline: "Parts for every Japanese car" },
      seller_ratings: { review_count: 1, average_rating: 5, rating_5_count: 1 },
    });
    const [review] = ok(
      await anonClient()
        .from("seller_reviews")
        .select("verified_purchase, seller_response, helpful_count")
        .eq("store_id", store),
    );
    expect(review).toMatchObject({ verified_purchase: true, helpful_count: 2 });
    expect(review!.seller_response).toMatch(/Terima kasih/);
    const thread = ok(
      await anonClient()
        .from("listing_comments")
        .select("body, reply_count, replies:listing_comments(body, like_count)")
        .is("parent_id", null)
        .eq("car_listing_id", "f2000000-0000-4000-8000-000000000001"),
    );
    expect(thread).toMatchObject([{ reply_count: 1, replies: [{ like_count: 2 }] }]);
  });

  it("member07's wishlist and price alerts", async () => {
    expect(ok(await member07.from("wishlist_items").select("car_listing_id"))).toEqual([
      { car_listing_id: "f2000000-0000-4000-8000-000000000002" },
    ]);
    expect(ok(await member07.from("price_alerts").select("kind").order("kind"))).toEqual([
      { kind: "listing" },
      { kind: "car_search" },
    ]);
  });
});

describe("seeded moderation, car deposits and seller verification (seed/0009)", () => {
  it("member08's paid deposit sold the Xenia and verified their review; eko waits for verification, member03 is verified; a flagged spam comment is in the queue", async () => {
    const signIn = (email: string) => signedInClient({ email, password: "pitlane-demo" });
    const [member08, admin] = await Promise.all([
      signIn("member08@example.test"),
      signIn("admin@pitlane.test"),
    ]);
    expect(
      ok(
        await member08
          .from("car_listings")
          .select("status, deposit_amount")
          .eq("id", "f2000000-0000-4000-8000-000000000005"),
      ),
    ).toEqual([{ status: "sold", deposit_amount: 500000000 }]);
    expect(
      ok(
        await anonClient()
          .from("seller_reviews")
          .select("verified_purchase, car_listing_id")
          .eq("id", "f5000000-0000-4000-8000-000000000003"),
      ),
    ).toEqual([
      { verified_purchase: true, car_listing_id: "f2000000-0000-4000-8000-000000000005" },
    ]);
    expect(
      ok(
        await eko
          .from("profiles")
          .select("id, verification_status")
          .in("id", [
            "b0000000-0000-4000-8000-000000000004",
            "d0000000-0000-4000-8000-000000000003",
          ])
          .order("id"),
      ).map((p) => p.verification_status),
    ).toEqual(["pending", "verified"]);
    expect(
      ok(
        await admin
          .from("seller_verification_requests")
          .select("profile_id")
          .eq("status", "pending"),
      ),
    ).toContainEqual({ profile_id: "b0000000-0000-4000-8000-000000000004" });
    expect(
      ok(
        await admin
          .from("moderation_items")
          .select("state, open_flags")
          .eq("target_id", "f4000000-0000-4000-8000-000000000003"),
      ),
    ).toEqual([{ state: "visible", open_flags: 2 }]);
  });
});
