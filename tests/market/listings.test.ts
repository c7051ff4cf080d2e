// Marketplace listings (issue 17, items 1-4 and 10; sql/0034): sellers and suspensions, the car
// listing status workflow, featured listings, bad input, store listings, images with exactly one
// primary (also under concurrent updates) and the listing-images bucket, the category tree, parts
// sold through the existing checkout without overselling, and "parts that fit my car".
// supabase-js against the run's stack; the RLS matrix of these tables is in rls.test.ts.
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  ok,
  signedInPerson,
  type SignedInPerson,
} from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { randomVin } from "../service/helpers.ts";
import {
  approve,
  listCar,
  listPart,
  partCategory,
  platformAdmin,
  suspend,
  type ListingRow,
} from "./helpers.ts";

let seller: SignedInPerson;
let buyer: SignedInPerson;
let other: SignedInPerson;
let moderator: SignedInPerson;

beforeAll(async () => {
  [seller, buyer, other, moderator] = await Promise.all([
    signedInPerson("Listing Seller"),
    signedInPerson("Listing Buyer"),
    signedInPerson("Listing Other"),
    platformAdmin("Listing Moderator"),
  ]);
});

const statusOf = async (id: string) =>
  (await sql<{ status: string }>("select status from public.car_listings where id = $1", [id]))[0]
    ?.status;

describe("the car listing status workflow", () => {
  it("a new listing is pending whatever the seller sends, and hidden from others until approved", async () => {
    const car = await listCar(seller.client, { status: "active", featured_until: "2099-01-01" });
    expect(car).toMatchObject({
      status: "pending",
      featured_until: null,
      seller_id: seller.user.id,
    });
    expect(ok(await anonClient().from("car_listings").select("id").eq("id", car.id))).toEqual([]);
    expect(ok(await other.client.from("car_listings").select("id").eq("id", car.id))).toEqual([]);

    const selfApproval = await seller.client
      .from("car_listings")
      .update({ status: "active" })
      .eq("id", car.id);
    expect(selfApproval).toMatchObject({ status: 409, error: { code: "PT409" } });
    expect(selfApproval.error!.hint).toMatch(/moderator/);
    expect(await statusOf(car.id)).toBe("pending");

    await approve(moderator.client, "car_listings", car.id);
    const [shown] = ok(
      await anonClient().from("car_listings").select("status, published_at").eq("id", car.id),
    );
    expect(shown).toMatchObject({ status: "active" });
    expect(shown!.published_at).not.toBeNull();
  });

  it("the seller sells; a sold listing is frozen, for the seller and its specification alike", async () => {
    const car = await listCar(seller.client);
    ok(
      await seller.client
        .from("car_specifications")
        .insert({ car_listing_id: car.id, horsepower: 139 }),
    );
    await approve(moderator.client, "car_listings", car.id);
    ok(
      await seller.client
        .from("car_listings")
        .update({ status: "sold" })
        .eq("id", car.id)
        .select()
        .single(),
    );
    expect(await statusOf(car.id)).toBe("sold");

    const edit = await seller.client
      .from("car_listings")
      .update({ price_amount: 1 })
      .eq("id", car.id);
    expect(edit).toMatchObject({
      status: 409,
      error: { code: "PT409", message: "a sold listing cannot change" },
    });
    const relist = await seller.client
      .from("car_listings")
      .update({ status: "active" })
      .eq("id", car.id);
    expect(relist).toMatchObject({ status: 409 });
    const spec = await seller.client
      .from("car_specifications")
      .update({ horsepower: 500 })
      .eq("car_listing_id", car.id);
    expect(spec).toMatchObject({ status: 409 });
    const removed = ok(await seller.client.from("car_listings").delete().eq("id", car.id).select());
    expect(removed).toEqual([]);
    const [row] = await sql("select price_amount, status from public.car_listings where id = $1", [
      car.id,
    ]);
    expect(row).toEqual({ price_amount: "1500000", status: "sold" });
  });

  it("pending → archived → pending by the seller; archiving an active one; a moderator's moves", async () => {
    const car = await listCar(seller.client);
    const move = async (who: SignedInPerson, status: string) =>
      (await who.client.from("car_listings").update({ status }).eq("id", car.id).select()).status;
    expect(await move(seller, "archived")).toBe(200);
    expect(await move(seller, "active")).toBe(409);
    expect(await move(seller, "pending")).toBe(200);
    expect(await move(moderator, "active")).toBe(200);
    expect(await move(seller, "pending")).toBe(409);
    expect(await move(moderator, "pending")).toBe(200);
    expect(await move(moderator, "sold")).toBe(409);
    expect(await move(moderator, "active")).toBe(200);
    expect(await move(seller, "archived")).toBe(200);
    expect(await statusOf(car.id)).toBe("archived");
    // Someone else's update finds nothing to change.
    expect(
      ok(
        await other.client
          .from("car_listings")
          .update({ status: "pending" })
          .eq("id", car.id)
          .select(),
      ),
    ).toEqual([]);
  });

  it("only platform admins feature a listing, with an end date", async () => {
    const car = await listCar(seller.client);
    const bySeller = await seller.client
      .from("car_listings")
      .update({ featured_until: "2099-01-01T00:00:00Z" })
      .eq("id", car.id);
    expect(bySeller).toMatchObject({ status: 403, error: { code: "42501" } });
    const featured = ok(
      await moderator.client
        .from("car_listings")
        .update({ featured_until: "2099-01-01T00:00:00Z" })
        .eq("id", car.id)
        .select()
        .single<ListingRow>(),
    );
    expect(featured.featured_until).toMatch(/^2099-01-01/);
  });

  it("guarded columns: the seller, counters and status times are the database's", async () => {
    const car = await listCar(seller.client);
    for (const change of [
      { seller_id: other.user.id },
      { comment_count: 5 },
      { published_at: "2020-01-01T00:00:00Z" },
    ]) {
      const result = await seller.client.from("car_listings").update(change).eq("id", car.id);
      expect(result.status, JSON.stringify(change)).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
    }
    expect(
      await sql("select seller_id, comment_count from public.car_listings where id = $1", [car.id]),
    ).toEqual([{ seller_id: seller.user.id, comment_count: 0 }]);
  });
});

describe("bad input is a 4xx and writes nothing", () => {
  const nextYearPlusOne = new Date().getUTCFullYear() + 2;
  const cases: [string, Record<string, unknown>, number, string][] = [
    ["a negative price", { price_amount: -1 }, 400, "23514"],
    ["a year before cars", { year: 1850 }, 400, "23514"],
    ["a model year two years ahead", { year: nextYearPlusOne }, 400, "22023"],
    ["negative mileage", { mileage_km: -5 }, 400, "23514"],
    ["an unknown transmission", { transmission: "warp" }, 400, "22P02"],
    ["a lowercase currency", { currency: "usd" }, 400, "23514"],
    ["a latitude without a longitude", { longitude: null }, 400, "23514"],
  ];
  it.each(cases)("%s", async (_, fields, status, code) => {
    const title = `bad ${randomUUID()}`;
    const result = await seller.client.from("car_listings").insert({
      title,
      make: "Toyota",
      model: "Corolla",
      year: 2018,
      transmission: "automatic",
      fuel_type: "gasoline",
      price_amount: 1000,
      currency: "USD",
      city: "Austin",
      latitude: 30,
      longitude: -97,
      ...fields,
    });
    expect(result).toMatchObject({ status, error: { code } });
    expect(await sql("select 1 from public.car_listings where title = $1", [title])).toEqual([]);
  });

  it("a negative part quantity", async () => {
    const category = await partCategory();
    const result = await seller.client.from("part_listings").insert({
      category_id: category,
      title: "Bad pads",
      brand: "X",
      condition: "new",
      price_amount: 10,
      currency: "USD",
      quantity: -1,
    });
    expect(result).toMatchObject({ status: 400, error: { code: "23514" } });
    expect(
      await sql("select 1 from public.part_listings where category_id = $1", [category]),
    ).toEqual([]);
    expect(await sql("select 1 from public.products where name = 'Bad pads'")).toEqual([]);
  });
});

describe("sellers", () => {
  it("a suspended person cannot list until the suspension ends", async () => {
    const person = await signedInPerson("Suspended Seller");
    await suspend(person.user.id, new Date(Date.now() + 3_600_000).toISOString());
    const refused = await person.client.from("car_listings").insert({
      title: "x",
      make: "Kia",
      model: "Rio",
      year: 2020,
      transmission: "manual",
      fuel_type: "gasoline",
      price_amount: 1,
      currency: "USD",
      city: "Austin",
    });
    expect(refused).toMatchObject({
      status: 403,
      error: { code: "42501", message: "your account is suspended" },
    });
    expect(
      await sql("select 1 from public.car_listings where seller_id = $1", [person.user.id]),
    ).toEqual([]);
    // The suspension's end has passed: lifted by time alone.
    await sql(
      "update public.profile_suspensions set suspended_until = now() - interval '1 second' where profile_id = $1",
      [person.user.id],
    );
    const car = await listCar(person.client);
    expect(car.status).toBe("pending");
  });

  it("a store's staff list for the store and manage each other's listings; others cannot", async () => {
    const owner = await signedInPerson("Store Owner");
    const storeId = randomUUID();
    ok(
      await owner.client.from("organizations").insert({
        id: storeId,
        kind: "store",
        slug: `store-${storeId.slice(0, 8)}`,
        display_name: "Parts Store",
      }),
    );
    ok(
      await owner.client.from("store_profiles").insert({
        organization_id: storeId,
        tagline: "Parts for every car",
        banner_path: `${storeId}/banner.png`,
      }),
    );
    await sql(
      "insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff')",
      [storeId, buyer.user.id],
    );

    const car = await listCar(owner.client, { store_id: storeId });
    ok(
      await buyer.client
        .from("car_listings")
        .update({ description: "One owner" })
        .eq("id", car.id)
        .select()
        .single(),
    );
    expect(
      ok(
        await other.client
          .from("car_listings")
          .update({ description: "Hacked" })
          .eq("id", car.id)
          .select(),
      ),
    ).toEqual([]);
    const outsider = await other.client.from("car_listings").insert({
      title: "x",
      make: "Kia",
      model: "Rio",
      year: 2020,
      transmission: "manual",
      fuel_type: "gasoline",
      price_amount: 1,
      currency: "USD",
      city: "Austin",
      store_id: storeId,
    });
    expect(outsider).toMatchObject({ status: 403, error: { code: "42501" } });

    const companyId = randomUUID();
    ok(
      await owner.client.from("organizations").insert({
        id: companyId,
        kind: "company",
        slug: `co-${companyId.slice(0, 8)}`,
        display_name: "Not a store",
      }),
    );
    const notStore = await owner.client.from("car_listings").insert({
      title: "x",
      make: "Kia",
      model: "Rio",
      year: 2020,
      transmission: "manual",
      fuel_type: "gasoline",
      price_amount: 1,
      currency: "USD",
      city: "Austin",
      store_id: companyId,
    });
    expect(notStore).toMatchObject({ status: 400, error: { code: "22023" } });
    expect(
      await anonClient().from("store_profiles").select("tagline").eq("organization_id", storeId),
    ).toMatchObject({
      data: [{ tagline: "Parts for every car" }],
    });
  });
});

describe("images: exactly one primary per listing", () => {
  const primaries = async (listingId: string) =>
    (
      await sql<{ storage_path: string }>(
        "select storage_path from public.listing_images where listing_id = $1 and is_primary",
        [listingId],
      )
    ).map((r) => r.storage_path.split("/")[1]);

  it("the first image is primary, a new primary demotes the old one, deleting it promotes the next", async () => {
    const car = await listCar(seller.client);
    const add = async (file: string, extra: Record<string, unknown> = {}) =>
      ok(
        await seller.client
          .from("listing_images")
          .insert({ car_listing_id: car.id, storage_path: `${car.id}/${file}`, ...extra })
          .select()
          .single<{ id: string }>(),
      );
    const a = await add("a.jpg", { position: 0 });
    await add("b.jpg", { position: 1 });
    expect(await primaries(car.id)).toEqual(["a.jpg"]);
    const c = await add("c.jpg", { position: 2, is_primary: true });
    expect(await primaries(car.id)).toEqual(["c.jpg"]);
    ok(
      await seller.client
        .from("listing_images")
        .update({ is_primary: true })
        .eq("id", a.id)
        .select(),
    );
    expect(await primaries(car.id)).toEqual(["a.jpg"]);

    const clear = await seller.client
      .from("listing_images")
      .update({ is_primary: false })
      .eq("id", a.id);
    expect(clear).toMatchObject({ status: 409, error: { code: "PT409" } });
    ok(await seller.client.from("listing_images").delete().eq("id", a.id));
    expect(await primaries(car.id)).toEqual(["b.jpg"]);

    // An image cannot move to another listing, nor be added to someone else's.
    const mine = await listCar(seller.client);
    const moved = await seller.client
      .from("listing_images")
      .update({ car_listing_id: mine.id })
      .eq("id", c.id);
    expect(moved).toMatchObject({ status: 400 });
    const foreign = await other.client
      .from("listing_images")
      .insert({ car_listing_id: car.id, storage_path: `${car.id}/x.jpg`, is_primary: true });
    expect(foreign).toMatchObject({ status: 403, error: { code: "42501" } });
    const wrongFolder = await seller.client
      .from("listing_images")
      .insert({ car_listing_id: mine.id, storage_path: `${car.id}/y.jpg`, is_primary: true });
    expect(wrongFolder).toMatchObject({ status: 400, error: { code: "23514" } });
    expect(await primaries(car.id)).toEqual(["b.jpg"]);
    expect(await primaries(mine.id)).toEqual([]);
  });

  it("concurrent inserts and promotions leave exactly one primary", async () => {
    const car = await listCar(seller.client);
    // 12 concurrent first uploads, each asking to be primary or not.
    const inserted = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        seller.client
          .from("listing_images")
          .insert({
            car_listing_id: car.id,
            storage_path: `${car.id}/${i}.jpg`,
            position: i,
            is_primary: i % 2 === 0,
          })
          .select("id")
          .single<{ id: string }>(),
      ),
    );
    expect(inserted.map((r) => r.error ?? r.status)).toEqual(Array(12).fill(201));
    expect(await primaries(car.id)).toHaveLength(1);
    // Then every image asks to be primary at once.
    const promoted = await Promise.all(
      inserted.map((r) =>
        seller.client.from("listing_images").update({ is_primary: true }).eq("id", r.data!.id),
      ),
    );
    expect(promoted.map((r) => r.error ?? r.status)).toEqual(Array(12).fill(204));
    expect(await primaries(car.id)).toHaveLength(1);
  });

  it("listing-images: managers upload; a pending listing's files are private until it is approved; type limits", async () => {
    const car = await listCar(seller.client);
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
      "base64",
    );
    ok(
      await seller.client.storage
        .from("listing-images")
        .upload(`${car.id}/front.png`, png, { contentType: "image/png" }),
    );
    const byOther = await other.client.storage
      .from("listing-images")
      .upload(`${car.id}/evil.png`, png, { contentType: "image/png" });
    expect(byOther.error).not.toBeNull();
    const text = await seller.client.storage
      .from("listing-images")
      .upload(`${car.id}/notes.txt`, Buffer.from("hi"), { contentType: "text/plain" });
    expect(text.error).not.toBeNull();

    expect(
      (await anonClient().storage.from("listing-images").download(`${car.id}/front.png`)).error,
    ).not.toBeNull();
    expect(
      (await other.client.storage.from("listing-images").download(`${car.id}/front.png`)).error,
    ).not.toBeNull();
    expect(
      (await seller.client.storage.from("listing-images").download(`${car.id}/front.png`)).error,
    ).toBeNull();
    await approve(moderator.client, "car_listings", car.id);
    const downloaded = await anonClient()
      .storage.from("listing-images")
      .download(`${car.id}/front.png`);
    expect(downloaded.error).toBeNull();
    expect(Buffer.from(await downloaded.data!.arrayBuffer())).toEqual(png);
  });

  it("listing-images: thumbnails are the files transformed, under the same rules", async () => {
    const car = await listCar(seller.client);
    const photo = await sharp({
      create: { width: 640, height: 480, channels: 3, background: "#336699" },
    })
      .jpeg()
      .toBuffer();
    const path = `${car.id}/side.jpg`;
    ok(
      await seller.client.storage
        .from("listing-images")
        .upload(path, photo, { contentType: "image/jpeg" }),
    );
    const thumbnail = { transform: { width: 320, height: 240, resize: "cover" as const } };
    expect(
      (await other.client.storage.from("listing-images").download(path, thumbnail)).error,
    ).not.toBeNull();
    await approve(moderator.client, "car_listings", car.id);
    const { data, error } = await anonClient()
      .storage.from("listing-images")
      .download(path, thumbnail);
    expect(error).toBeNull();
    const meta = await sharp(Buffer.from(await data!.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 320, 240]);
  });
});

describe("part categories", () => {
  it("a tree with parents and children, never a cycle", async () => {
    const root = await partCategory();
    const child = await partCategory(root);
    const grandchild = await partCategory(child);
    const admin = adminClient();
    const cycle = await moderator.client
      .from("part_categories")
      .update({ parent_id: grandchild })
      .eq("id", root);
    expect(cycle).toMatchObject({ status: 400, error: { code: "22023" } });
    const self = await admin.from("part_categories").update({ parent_id: child }).eq("id", child);
    expect(self.status).toBe(400);
    expect(await sql("select parent_id from public.part_categories where id = $1", [root])).toEqual(
      [{ parent_id: null }],
    );
    const byMember = await seller.client
      .from("part_categories")
      .insert({ slug: `x-${randomUUID().slice(0, 6)}`, name: "X" });
    expect(byMember).toMatchObject({ status: 403 });
  });
});

describe("parts: inventory through the existing checkout", () => {
  it("a part listing's product is on sale while it is active; checkout reserves units and refuses to oversell", async () => {
    const category = await partCategory();
    const part = await listPart(seller.client, category, { quantity: 2 });
    expect(part.product_id).toBeTruthy();
    const notYet = await buyer.client.rpc("checkout_products", {
      p_items: [{ product_id: part.product_id, quantity: 1 }],
    });
    expect(notYet).toMatchObject({ status: 404 });
    await approve(moderator.client, "part_listings", part.id);
    // Not by its own seller.
    const own = await seller.client.rpc("checkout_products", {
      p_items: [{ product_id: part.product_id, quantity: 1 }],
    });
    expect(own).toMatchObject({
      status: 409,
      error: { code: "PT409", message: "you cannot buy your own listing" },
    });

    const first = ok(
      await buyer.client.rpc("checkout_products", {
        p_items: [{ product_id: part.product_id, quantity: 2 }],
      }),
    );
    const oversold = await other.client.rpc("checkout_products", {
      p_items: [{ product_id: part.product_id, quantity: 1 }],
    });
    expect(oversold).toMatchObject({ status: 409, error: { code: "PT409" } });
    // The seller cannot take away units an open invoice holds.
    const below = await seller.client
      .from("part_listings")
      .update({ quantity: 1 })
      .eq("id", part.id);
    expect(below).toMatchObject({ status: 400, error: { code: "23514" } });

    ok(
      await moderator.client.rpc("record_manual_payment", {
        p_invoice_id: (first as { id: string }).id,
        p_reference: `cash ${randomUUID()}`,
      }),
    );
    const [after] = await sql("select quantity from public.part_listings where id = $1", [part.id]);
    expect(after).toEqual({ quantity: 0 });
    const [product] = await sql(
      "select stock, reserved, price_amount, is_active from public.products where id = $1",
      [part.product_id],
    );
    expect(product).toEqual({ stock: 0, reserved: 0, price_amount: 5000, is_active: true });

    // The seller restocks and reprices: the product follows.
    ok(
      await seller.client
        .from("part_listings")
        .update({ quantity: 5, price_amount: 4500 })
        .eq("id", part.id)
        .select(),
    );
    expect(
      await sql("select stock, price_amount from public.products where id = $1", [part.product_id]),
    ).toEqual([{ stock: 5, price_amount: 4500 }]);

    // Deleted while on sale, the listing's product is no longer for sale; the paid invoice keeps it.
    ok(await seller.client.from("part_listings").delete().eq("id", part.id));
    expect(
      await sql("select is_active from public.products where id = $1", [part.product_id]),
    ).toEqual([{ is_active: false }]);
    const gone = await buyer.client.rpc("checkout_products", {
      p_items: [{ product_id: part.product_id, quantity: 1 }],
    });
    expect(gone).toMatchObject({ status: 404 });
  });
});

describe("parts that fit my car", () => {
  it("by make, model and year, or by one of my vehicles; a make-wide row fits every model", async () => {
    const category = await partCategory();
    const tag = randomUUID().slice(0, 6);
    const make = `Fitmake${tag}`;
    const corollaOnly = await listPart(seller.client, category, { title: "Corolla filter" });
    const allModels = await listPart(seller.client, category, { title: "Universal wiper" });
    const pendingOne = await listPart(seller.client, category, { title: "Pending part" });
    await approve(moderator.client, "part_listings", corollaOnly.id);
    await approve(moderator.client, "part_listings", allModels.id);
    ok(
      await seller.client.from("part_compatibilities").insert([
        {
          part_listing_id: corollaOnly.id,
          make,
          model: "Corolla",
          year_from: 2014,
          year_to: 2019,
          notes: "1.8L",
        },
        { part_listing_id: allModels.id, make, year_from: 2010, year_to: 2024 },
        { part_listing_id: pendingOne.id, make, year_from: 2010, year_to: 2024 },
      ]),
    );
    const titles = async (args: Record<string, unknown>, client = anonClient()) =>
      (
        ok(await client.rpc("parts_that_fit", args).select("title").order("title")) as {
          title: string;
        }[]
      ).map((r) => r.title);

    expect(await titles({ p_make: make.toLowerCase(), p_model: "corolla", p_year: 2016 })).toEqual([
      "Corolla filter",
      "Universal wiper",
    ]);
    expect(await titles({ p_make: make, p_model: "Camry", p_year: 2016 })).toEqual([
      "Universal wiper",
    ]);
    expect(await titles({ p_make: make, p_model: "Corolla", p_year: 2021 })).toEqual([
      "Universal wiper",
    ]);
    expect(await titles({ p_make: make, p_year: 2030 })).toEqual([]);

    const vehicle = ok(
      await buyer.client
        .from("vehicles")
        .insert({ vin: randomVin(), make, model: "Corolla", year: 2015, odometer: 1000 })
        .select()
        .single<{ id: string }>(),
    );
    expect(await titles({ p_vehicle_id: vehicle.id }, buyer.client)).toEqual([
      "Corolla filter",
      "Universal wiper",
    ]);
    expect(await other.client.rpc("parts_that_fit", { p_vehicle_id: vehicle.id })).toMatchObject({
      status: 404,
    });
    expect(await anonClient().rpc("parts_that_fit", { p_make: make, p_year: 1500 })).toMatchObject({
      status: 400,
      error: { code: "22023" },
    });
    const badRange = await seller.client
      .from("part_compatibilities")
      .insert({ part_listing_id: allModels.id, make, year_from: 2020, year_to: 2010 });
    expect(badRange).toMatchObject({ status: 400, error: { code: "23514" } });
  });
});
