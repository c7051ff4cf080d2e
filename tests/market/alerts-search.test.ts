// Marketplace wishlists, price alerts and search (issue 17, items 7, 8, 9 and 10; sql/0036):
// price drops, search alerts, restocks and sales notified through the notification system; car and
// part search with filters, full-text ranking, distance, featured first and keyset pages, through
// supabase-js; bad search arguments are 400.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { anonClient, ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import {
  approve,
  listCar,
  listPart,
  notificationsOf,
  partCategory,
  platformAdmin,
  type ListingRow,
} from "./helpers.ts";

let seller: SignedInPerson;
let watcher: SignedInPerson;
let moderator: SignedInPerson;

beforeAll(async () => {
  [seller, watcher, moderator] = await Promise.all([
    signedInPerson("Alert Seller"),
    signedInPerson("Alert Watcher"),
    platformAdmin("Alert Moderator"),
  ]);
});

const ofListing = async (userId: string, listingId: string) =>
  (await notificationsOf(userId)).filter((n) => n.data.listing_id === listingId).map((n) => n.type);

describe("wishlists and price alerts", () => {
  it("a saved car's price drop, a listing alert's target, its sale: price_alert and listing_update", async () => {
    const car = await listCar(seller.client, { price_amount: 2_000_000 });
    const hidden = await watcher.client.from("wishlist_items").insert({ car_listing_id: car.id });
    expect(hidden).toMatchObject({ status: 404, error: { code: "PT404" } });
    await approve(moderator.client, "car_listings", car.id);
    ok(await watcher.client.from("wishlist_items").insert({ car_listing_id: car.id }));
    const twice = await watcher.client.from("wishlist_items").insert({ car_listing_id: car.id });
    expect(twice).toMatchObject({ status: 409 });
    const other = await signedInPerson("Target Watcher");
    ok(
      await other.client
        .from("price_alerts")
        .insert({ kind: "listing", car_listing_id: car.id, target_price_amount: 1_500_000 }),
    );

    // A rise notifies nobody; a drop notifies the saver; the target watcher only at the target.
    ok(
      await seller.client
        .from("car_listings")
        .update({ price_amount: 2_100_000 })
        .eq("id", car.id)
        .select(),
    );
    ok(
      await seller.client
        .from("car_listings")
        .update({ price_amount: 1_900_000 })
        .eq("id", car.id)
        .select(),
    );
    expect(await ofListing(watcher.user.id, car.id)).toEqual(["price_alert"]);
    expect(await ofListing(other.user.id, car.id)).toEqual([]);
    ok(
      await seller.client
        .from("car_listings")
        .update({ price_amount: 1_450_000 })
        .eq("id", car.id)
        .select(),
    );
    expect(await ofListing(watcher.user.id, car.id)).toEqual(["price_alert", "price_alert"]);
    expect(await ofListing(other.user.id, car.id)).toEqual(["price_alert"]);
    const [drop] = (await notificationsOf(other.user.id)).filter(
      (n) => n.data.listing_id === car.id,
    );
    expect(drop!.data).toMatchObject({
      price_amount: 1_450_000,
      previous_price_amount: 1_900_000,
      currency: "USD",
    });

    ok(
      await seller.client.from("car_listings").update({ status: "sold" }).eq("id", car.id).select(),
    );
    expect((await ofListing(watcher.user.id, car.id))[0]).toBe("listing_update");
    expect(await ofListing(seller.user.id, car.id)).toEqual([]);
  });

  it("a car search alert (make, model, maximum price) fires when a match is published or drops under the maximum", async () => {
    const make = `Alertmake${randomUUID().slice(0, 6)}`;
    ok(
      await watcher.client.from("price_alerts").insert({
        kind: "car_search",
        make,
        model: "Civic",
        max_price_amount: 1_000_000,
        currency: "USD",
      }),
    );
    const cheap = await listCar(seller.client, { make, model: "civic", price_amount: 900_000 });
    const dear = await listCar(seller.client, { make, model: "Civic", price_amount: 1_200_000 });
    const otherModel = await listCar(seller.client, {
      make,
      model: "Accord",
      price_amount: 500_000,
    });
    expect(await ofListing(watcher.user.id, cheap.id)).toEqual([]);
    for (const car of [cheap, dear, otherModel])
      await approve(moderator.client, "car_listings", car.id);
    expect(await ofListing(watcher.user.id, cheap.id)).toEqual(["price_alert"]);
    expect(await ofListing(watcher.user.id, dear.id)).toEqual([]);
    expect(await ofListing(watcher.user.id, otherModel.id)).toEqual([]);
    ok(
      await seller.client
        .from("car_listings")
        .update({ price_amount: 990_000 })
        .eq("id", dear.id)
        .select(),
    );
    expect(await ofListing(watcher.user.id, dear.id)).toEqual(["price_alert"]);
    const [alert] = ok(
      await watcher.client.from("price_alerts").select("last_notified_at").eq("make", make),
    );
    expect(alert!.last_notified_at).not.toBeNull();
    const forged = await watcher.client
      .from("price_alerts")
      .update({ last_notified_at: null })
      .eq("make", make);
    expect(forged).toMatchObject({ status: 403 });
  });

  it("a part search alert by category subtree says part_available; a saved part back in stock too", async () => {
    const root = await partCategory();
    const child = await partCategory(root);
    ok(
      await watcher.client.from("price_alerts").insert({
        kind: "part_search",
        category_id: root,
        max_price_amount: 6000,
        currency: "USD",
      }),
    );
    const part = await listPart(seller.client, child, { quantity: 0 });
    await approve(moderator.client, "part_listings", part.id);
    expect(await ofListing(watcher.user.id, part.id)).toEqual(["part_available"]);
    ok(await watcher.client.from("wishlist_items").insert({ part_listing_id: part.id }));
    ok(
      await seller.client.from("part_listings").update({ quantity: 4 }).eq("id", part.id).select(),
    );
    expect(await ofListing(watcher.user.id, part.id)).toEqual(["part_available", "part_available"]);
  });

  it("bad alerts are 400 and write nothing", async () => {
    const cases: Record<string, unknown>[] = [
      { kind: "car_search", make: "Honda", currency: "USD" },
      { kind: "car_search", make: "Honda", max_price_amount: -5, currency: "USD" },
      { kind: "listing" },
      { kind: "part_search", make: "Honda", max_price_amount: 5, currency: "USD" },
    ];
    for (const alert of cases) {
      const result = await watcher.client.from("price_alerts").insert(alert);
      expect(result.status, JSON.stringify(alert)).toBe(400);
    }
    expect(
      await sql(
        "select count(*)::int as n from public.price_alerts where user_id = $1 and make = 'Honda'",
        [watcher.user.id],
      ),
    ).toEqual([{ n: 0 }]);
  });
});

describe("search", () => {
  const make = `Searchmake${randomUUID().slice(0, 6)}`;
  let cars: ListingRow[];

  beforeAll(async () => {
    cars = [];
    const specs = [
      {
        model: "Alpha",
        year: 2012,
        price_amount: 800_000,
        mileage_km: 120_000,
        fuel_type: "diesel",
        city: "Austin",
        latitude: 30.27,
        longitude: -97.74,
        description: "turbo diesel wagon",
      },
      {
        model: "Alpha",
        year: 2016,
        price_amount: 1_100_000,
        mileage_km: 60_000,
        fuel_type: "gasoline",
        city: "Dallas",
        latitude: 32.78,
        longitude: -96.8,
        description: "family sedan, turbo",
      },
      {
        model: "Alpha",
        year: 2019,
        price_amount: 1_500_000,
        mileage_km: 20_000,
        fuel_type: "gasoline",
        city: "Austin",
        latitude: 30.4,
        longitude: -97.7,
        description: "like new",
      },
      {
        model: "Beta",
        year: 2020,
        price_amount: 2_500_000,
        mileage_km: 10_000,
        fuel_type: "electric",
        city: "Houston",
        latitude: 29.76,
        longitude: -95.37,
        description: "electric hatchback",
      },
      {
        model: "Alpha",
        year: 2017,
        price_amount: 1_200_000,
        mileage_km: 50_000,
        fuel_type: "gasoline",
        city: "Austin",
        latitude: 30.3,
        longitude: -97.75,
        description: "turbo turbo turbo coupe",
      },
    ];
    for (const spec of specs) {
      const car = await listCar(seller.client, {
        make,
        title: `${make} ${spec.model} ${spec.year}`,
        ...spec,
      });
      await approve(moderator.client, "car_listings", car.id);
      cars.push(car);
    }
    await listCar(seller.client, { make, model: "Alpha", title: "pending one" });
    ok(
      await moderator.client
        .from("car_listings")
        .update({ featured_until: new Date(Date.now() + 86_400_000).toISOString() })
        .eq("id", cars[3]!.id),
    );
  });

  type Hit = {
    listing: { id: string; year: number; price_amount: number };
    is_featured: boolean;
    sort_key: number;
    distance_km: number | null;
    rank: number | null;
  };
  const search = async (args: Record<string, unknown>) =>
    ok(await anonClient().rpc("search_car_listings", { p_make: make, ...args })) as Hit[];
  const ids = (hits: Hit[]) => hits.map((h) => cars.findIndex((c) => c.id === h.listing.id));

  it("filters by model, years, price, mileage, fuel and city; featured first, then the sort", async () => {
    expect(ids(await search({ p_sort: "price_asc" }))).toEqual([3, 0, 1, 4, 2]);
    expect(
      ids(
        await search({
          p_model: "alpha",
          p_year_min: 2015,
          p_price_max: 1_300_000,
          p_sort: "price_desc",
        }),
      ),
    ).toEqual([4, 1]);
    expect(
      ids(await search({ p_fuel_type: "gasoline", p_mileage_max: 55_000, p_sort: "year_desc" })),
    ).toEqual([2, 4]);
    expect(ids(await search({ p_city: "austin", p_sort: "mileage_asc" }))).toEqual([2, 4, 0]);
  });

  it("full text with ranking, and distance from a point", async () => {
    const ranked = await search({ p_query: "turbo", p_sort: "relevance" });
    // The coupe says turbo three times; the other two once each (equal rank, in id order).
    expect(ids(ranked)[0]).toBe(4);
    expect(ids(ranked).slice(1).sort()).toEqual([0, 1]);
    expect(ranked[0]!.rank).toBeGreaterThan(ranked[2]!.rank!);
    const near = await search({
      p_near_latitude: 30.27,
      p_near_longitude: -97.74,
      p_within_km: 25,
      p_sort: "distance",
    });
    expect(ids(near)).toEqual([0, 4, 2]);
    expect(near[0]!.distance_km).toBeLessThan(0.01);
    expect(near[2]!.distance_km).toBeGreaterThan(10);
  });

  it("keyset pages: each page continues after the last row of the one before, featured first", async () => {
    const pages: number[][] = [];
    let after: Record<string, unknown> = {};
    for (;;) {
      const page = await search({ p_sort: "newest", p_limit: 2, ...after });
      if (page.length === 0) break;
      pages.push(ids(page));
      const last = page[page.length - 1]!;
      after = {
        p_after_featured: last.is_featured,
        p_after_sort_key: last.sort_key,
        p_after_id: last.listing.id,
      };
    }
    expect(pages).toEqual([[3, 4], [2, 1], [0]]);
  });

  it("keyset pages through plain REST filters on the table", async () => {
    const first = ok(
      await anonClient()
        .from("car_listings")
        .select("id, price_amount")
        .eq("status", "active")
        .eq("make", make)
        .gte("year", 2015)
        .order("price_amount")
        .order("id")
        .limit(2),
    );
    const last = first[first.length - 1]!;
    const second = ok(
      await anonClient()
        .from("car_listings")
        .select("id, price_amount")
        .eq("status", "active")
        .eq("make", make)
        .gte("year", 2015)
        .or(
          `price_amount.gt.${last.price_amount},and(price_amount.eq.${last.price_amount},id.gt.${last.id})`,
        )
        .order("price_amount")
        .order("id")
        .limit(2),
    );
    expect([...first, ...second].map((r) => cars.findIndex((c) => c.id === r.id))).toEqual([
      1, 4, 2, 3,
    ]);
  });

  it("parts: category subtree, brand, condition, compatibility and price", async () => {
    const root = await partCategory();
    const child = await partCategory(root);
    const brand = `Brand${randomUUID().slice(0, 6)}`;
    const a = await listPart(seller.client, child, {
      brand,
      title: "Oil filter",
      condition: "new",
      price_amount: 900,
    });
    const b = await listPart(seller.client, root, {
      brand,
      title: "Air filter",
      condition: "used",
      price_amount: 700,
    });
    for (const part of [a, b]) await approve(moderator.client, "part_listings", part.id);
    ok(
      await seller.client.from("part_compatibilities").insert({
        part_listing_id: a.id,
        make: "Honda",
        model: "Civic",
        year_from: 2016,
        year_to: 2021,
      }),
    );
    const titles = async (args: Record<string, unknown>) =>
      (
        ok(
          await anonClient().rpc("search_part_listings", { p_brand: brand.toLowerCase(), ...args }),
        ) as { listing: { title: string } }[]
      ).map((h) => h.listing.title);
    expect(await titles({ p_category_id: root, p_sort: "price_asc" })).toEqual([
      "Air filter",
      "Oil filter",
    ]);
    expect(await titles({ p_category_id: child })).toEqual(["Oil filter"]);
    expect(await titles({ p_condition: "used" })).toEqual(["Air filter"]);
    expect(
      await titles({ p_fits_make: "honda", p_fits_model: "civic", p_fits_year: 2018 }),
    ).toEqual(["Oil filter"]);
    expect(await titles({ p_price_max: 800 })).toEqual(["Air filter"]);
    expect(await titles({ p_query: "oil" })).toEqual(["Oil filter"]);
  });

  it("bad search arguments are 400", async () => {
    const bad: Record<string, unknown>[] = [
      { p_sort: "cheapest" },
      { p_limit: 0 },
      { p_year_min: 2020, p_year_max: 2010 },
      { p_price_min: -1 },
      { p_near_latitude: 30 },
      { p_sort: "distance" },
      { p_sort: "relevance" },
      { p_after_id: randomUUID() },
    ];
    for (const args of bad) {
      const result = await anonClient().rpc("search_car_listings", args);
      expect({ args, status: result.status, code: result.error?.code }).toEqual({
        args,
        status: 400,
        code: "22023",
      });
    }
  });
});
