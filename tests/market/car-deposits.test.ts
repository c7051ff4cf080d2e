// Car listings bought through invoices (migration car_deposits): a deposit the database sells as a
// one-unit product through checkout_products, a paid deposit selling the car and verifying a review
// of its seller, its refund through the payments ledger putting the car back on sale and the
// review back to unverified.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ok, signedInPerson, type SignedInPerson } from "../helpers/auth.ts";
import { sql } from "../helpers/db.ts";
import { approve, listCar, platformAdmin } from "./helpers.ts";

let seller: SignedInPerson;
let buyer: SignedInPerson;
let other: SignedInPerson;
let admin: SignedInPerson;

beforeAll(async () => {
  [seller, buyer, other, admin] = await Promise.all([
    signedInPerson("Deposit Seller"),
    signedInPerson("Deposit Buyer"),
    signedInPerson("Deposit Other"),
    platformAdmin("Deposit Admin"),
  ]);
});

const product = async (id: string) =>
  (
    await sql<{ sku: string; stock: number; price_amount: number; is_active: boolean }>(
      "select sku, stock, price_amount, is_active from public.products where id = $1",
      [id],
    )
  )[0];
const carStatus = async (id: string) =>
  (await sql<{ status: string }>("select status from public.car_listings where id = $1", [id]))[0]
    ?.status;

describe("car deposits", () => {
  it("a deposit is a one-unit product on sale while the listing is active; bad deposits are 400", async () => {
    const tooMuch = await seller.client.from("car_listings").insert({
      title: "Deposit too big",
      make: "Kia",
      model: "Rio",
      year: 2020,
      transmission: "manual",
      fuel_type: "gasoline",
      price_amount: 100,
      currency: "USD",
      city: "Austin",
      deposit_amount: 200,
    });
    expect(tooMuch).toMatchObject({ status: 400, error: { code: "23514" } });
    const car = await listCar(seller.client, { deposit_amount: 50_000 });
    const productId = car.product_id as string;
    expect(await product(productId)).toEqual({
      sku: `car-${car.id}`,
      stock: 1,
      price_amount: 50_000,
      is_active: false,
    });
    // Another listing cannot borrow the product.
    const borrowed = await listCar(other.client, { product_id: productId });
    expect(borrowed.product_id).toBeNull();
    await approve(admin.client, "car_listings", car.id);
    expect(await product(productId)).toMatchObject({ is_active: true });
    ok(
      await seller.client
        .from("car_listings")
        .update({ deposit_amount: 60_000 })
        .eq("id", car.id)
        .select(),
    );
    expect(await product(productId)).toMatchObject({ price_amount: 60_000, is_active: true });
    const negative = await seller.client
      .from("car_listings")
      .update({ deposit_amount: -1 })
      .eq("id", car.id);
    expect(negative).toMatchObject({ status: 400, error: { code: "23514" } });
    ok(
      await seller.client
        .from("car_listings")
        .update({ deposit_amount: null })
        .eq("id", car.id)
        .select(),
    );
    expect(await product(productId)).toMatchObject({ is_active: false });
  });

  it("one buyer reserves the car; their paid deposit sells it and verifies their review; a refund puts it back on sale", async () => {
    const car = await listCar(seller.client, { deposit_amount: 50_000 });
    await approve(admin.client, "car_listings", car.id);
    // The seller cannot reserve their own car: nothing is invoiced and it stays on sale.
    const own = await seller.client.rpc("checkout_products", {
      p_items: [{ product_id: car.product_id, quantity: 1 }],
    });
    expect(own).toMatchObject({
      status: 409,
      error: { code: "PT409", message: "you cannot buy your own listing" },
    });
    expect(await product(car.product_id as string)).toMatchObject({ stock: 1, is_active: true });
    const invoice = ok(
      await buyer.client.rpc("checkout_products", {
        p_items: [{ product_id: car.product_id, quantity: 1 }],
      }),
    ) as { id: string };
    const second = await other.client.rpc("checkout_products", {
      p_items: [{ product_id: car.product_id, quantity: 1 }],
    });
    expect(second).toMatchObject({ status: 409, error: { code: "PT409" } });
    ok(
      await admin.client.rpc("record_manual_payment", {
        p_invoice_id: invoice.id,
        p_reference: `cash ${randomUUID()}`,
      }),
    );
    expect(await carStatus(car.id)).toBe("sold");
    expect(await product(car.product_id as string)).toMatchObject({ stock: 0, is_active: false });

    const [item] = await sql<{ id: string }>(
      "select id from public.invoice_items where invoice_id = $1",
      [invoice.id],
    );
    const stolen = await other.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, invoice_item_id: item!.id, rating: 1 });
    expect(stolen).toMatchObject({ status: 400, error: { code: "22023" } });
    const review = ok(
      await buyer.client
        .from("seller_reviews")
        .insert({ seller_id: other.user.id, invoice_item_id: item!.id, rating: 5, body: "Smooth" })
        .select("seller_id, verified_purchase, car_listing_id, part_listing_id")
        .single(),
    );
    expect(review).toEqual({
      seller_id: seller.user.id,
      verified_purchase: true,
      car_listing_id: car.id,
      part_listing_id: null,
    });

    // The deposit is refunded through the payments ledger (a manual payment's refund succeeds at
    // once): the unit goes back to stock, the car back on sale, and the review stays unverified.
    ok(
      await admin.client.rpc("request_refund", {
        p_invoice_id: invoice.id,
        p_reason: "The sale fell through",
      }),
    );
    expect(await carStatus(car.id)).toBe("active");
    expect(await product(car.product_id as string)).toMatchObject({ stock: 1, is_active: true });
    expect(
      await sql(
        "select car_listing_id, verified_purchase from public.seller_reviews where invoice_item_id = $1",
        [item!.id],
      ),
    ).toEqual([{ car_listing_id: car.id, verified_purchase: false }]);
    // The listing can now be withdrawn and deleted; the review stays, without its listing.
    ok(await seller.client.from("car_listings").delete().eq("id", car.id));
    expect(
      await sql(
        "select car_listing_id, verified_purchase from public.seller_reviews where invoice_item_id = $1",
        [item!.id],
      ),
    ).toEqual([{ car_listing_id: null, verified_purchase: false }]);
  });

  it("a refunded deposit cannot verify a new review, while the same invoice's other paid items still can", async () => {
    const [car, kept] = await Promise.all([
      listCar(seller.client, { deposit_amount: 30_000 }),
      listCar(seller.client, { deposit_amount: 20_000 }),
    ]);
    await Promise.all([
      approve(admin.client, "car_listings", car.id),
      approve(admin.client, "car_listings", kept.id),
    ]);
    const invoice = ok(
      await other.client.rpc("checkout_products", {
        p_items: [
          { product_id: car.product_id, quantity: 1 },
          { product_id: kept.product_id, quantity: 1 },
        ],
      }),
    ) as { id: string };
    ok(
      await admin.client.rpc("record_manual_payment", {
        p_invoice_id: invoice.id,
        p_reference: `cash ${randomUUID()}`,
      }),
    );
    const items = await sql<{ id: string; product_id: string }>(
      "select id, product_id from public.invoice_items where invoice_id = $1",
      [invoice.id],
    );
    const refunded = items.find((i) => i.product_id === car.product_id)!;
    const paid = items.find((i) => i.product_id === kept.product_id)!;
    ok(
      await admin.client.rpc("request_refund", {
        p_invoice_id: invoice.id,
        p_invoice_item_id: refunded.id,
      }),
    );
    expect(await carStatus(car.id)).toBe("active");
    expect(await carStatus(kept.id)).toBe("sold");
    const refused = await other.client
      .from("seller_reviews")
      .insert({ seller_id: seller.user.id, invoice_item_id: refunded.id, rating: 2 });
    expect(refused).toMatchObject({ status: 400, error: { code: "22023" } });
    const review = ok(
      await other.client
        .from("seller_reviews")
        .insert({ seller_id: seller.user.id, invoice_item_id: paid.id, rating: 4 })
        .select("verified_purchase, car_listing_id")
        .single(),
    );
    expect(review).toEqual({ verified_purchase: true, car_listing_id: kept.id });
  });
});
