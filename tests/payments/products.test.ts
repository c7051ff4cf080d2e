// Products as the product seed has them: written by platform admins only, read by everyone while
// active, images in the private `product-images` bucket handed out as signed URLs (issue 8, item 1).
// supabase-js against the run's stack; people made through the admin API.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminClient,
  anonClient,
  ok,
  signedInPerson,
  type SignedInPerson,
} from "../helpers/auth.ts";
import { tinyPng } from "../helpers/files.ts";
import { sql } from "../helpers/db.ts";

const BUCKET = "product-images";

async function objectExists(path: string): Promise<boolean> {
  return (
    (await sql("select 1 from storage.objects where bucket_id = $1 and name = $2", [BUCKET, path]))
      .length > 0
  );
}

async function fetchBytes(
  url: string,
): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

let admin: SignedInPerson;
let member: SignedInPerson;

beforeAll(async () => {
  admin = await signedInPerson("Product Admin");
  member = await signedInPerson("Plain Member");
  // Platform admins are granted by another admin or the service role, never by themselves.
  const selfGrant = await member.client.from("platform_admins").insert({ user_id: member.user.id });
  expect(selfGrant.error).not.toBeNull();
  ok(
    await adminClient()
      .from("platform_admins")
      .insert({ user_id: admin.user.id, note: "products test" }),
  );
});

describe("products", () => {
  it("a platform admin uploads an image and creates the product; signed URLs serve the private image", async () => {
    const anon = anonClient();
    const productId = randomUUID();
    const path = `${productId}/front.png`;
    const sku = `PIT-${productId.slice(0, 8)}`;

    // Nobody but a platform admin uploads.
    expect(
      (await member.client.storage.from(BUCKET).upload(path, tinyPng, { contentType: "image/png" }))
        .error,
    ).not.toBeNull();
    expect(
      (await anon.storage.from(BUCKET).upload(path, tinyPng, { contentType: "image/png" })).error,
    ).not.toBeNull();
    expect(await objectExists(path)).toBe(false);
    // The bucket takes images only.
    expect(
      (
        await admin.client.storage
          .from(BUCKET)
          .upload(`${productId}/notes.txt`, Buffer.from("hi"), { contentType: "text/plain" })
      ).error,
    ).not.toBeNull();
    expect(await objectExists(`${productId}/notes.txt`)).toBe(false);

    ok(await admin.client.storage.from(BUCKET).upload(path, tinyPng, { contentType: "image/png" }));
    const product = ok(
      await admin.client
        .from("products")
        .insert({
          id: productId,
          sku,
          name: "Pit crew gloves",
          description: "Heat-resistant",
          price_amount: 2500,
          currency: "USD",
        })
        .select()
        .single(),
    );
    expect(product).toMatchObject({ id: productId, is_active: false, created_by: admin.user.id });
    ok(
      await admin.client.from("product_images").insert({
        product_id: productId,
        storage_path: path,
        alt_text: "Gloves",
        is_primary: true,
      }),
    );

    // A draft product and its image are the admins' alone: no row, no download, no signing, no public URL.
    for (const client of [anon, member.client]) {
      expect(ok(await client.from("products").select("id").eq("id", productId))).toEqual([]);
      expect(
        ok(await client.from("product_images").select("id").eq("product_id", productId)),
      ).toEqual([]);
      expect((await client.storage.from(BUCKET).download(path)).error).not.toBeNull();
      expect((await client.storage.from(BUCKET).createSignedUrl(path, 60)).error).not.toBeNull();
    }
    const publicUrl = anon.storage.from(BUCKET).getPublicUrl(path).data.publicUrl;
    expect((await fetchBytes(publicUrl)).status).toBeGreaterThanOrEqual(400);

    // The admin's signed URL lets anyone holding it download the image, with no key at all.
    const signed = ok(await admin.client.storage.from(BUCKET).createSignedUrl(path, 60));
    const viaSigned = await fetchBytes(signed.signedUrl);
    expect(viaSigned.status).toBe(200);
    expect(viaSigned.type).toMatch(/^image\/png/);
    expect(viaSigned.bytes.equals(tinyPng)).toBe(true);
    // A signed URL is for its own object only, and a forged token is refused.
    const token = new URL(signed.signedUrl).searchParams.get("token")!;
    expect(
      (await fetchBytes(signed.signedUrl.replace("front.png", "back.png"))).status,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (await fetchBytes(signed.signedUrl.replace(token, `${token.slice(0, -4)}AAAA`))).status,
    ).toBeGreaterThanOrEqual(400);

    // Active: everyone reads the product with its images, and anyone may sign the image's URL;
    // the bucket stays private, so the public URL still answers nothing.
    ok(await admin.client.from("products").update({ is_active: true }).eq("id", productId));
    for (const client of [anon, member.client]) {
      const [listed] = ok(
        await client
          .from("products")
          .select(
            "id, sku, name, price_amount, currency, product_images(storage_path, is_primary, alt_text)",
          )
          .eq("id", productId),
      );
      expect(listed).toEqual({
        id: productId,
        sku,
        name: "Pit crew gloves",
        price_amount: 2500,
        currency: "USD",
        product_images: [{ storage_path: path, is_primary: true, alt_text: "Gloves" }],
      });
      const link = ok(
        await client.storage
          .from(BUCKET)
          .createSignedUrl(listed!.product_images[0]!.storage_path, 60),
      );
      const download = await fetchBytes(link.signedUrl);
      expect(download.status).toBe(200);
      expect(download.bytes.equals(tinyPng)).toBe(true);
    }
    expect((await fetchBytes(publicUrl)).status).toBeGreaterThanOrEqual(400);

    // Withdrawn: private again; only a URL signed earlier still works, until it expires.
    ok(await admin.client.from("products").update({ is_active: false }).eq("id", productId));
    expect(ok(await anon.from("products").select("id").eq("id", productId))).toEqual([]);
    expect((await member.client.storage.from(BUCKET).download(path)).error).not.toBeNull();
    expect((await anon.storage.from(BUCKET).createSignedUrl(path, 60)).error).not.toBeNull();
    expect((await fetchBytes(signed.signedUrl)).status).toBe(200);
  });

  it("non-admins cannot write products, their images or the bucket; bad input changes nothing", async () => {
    const productId = randomUUID();
    const path = `${productId}/main.png`;
    ok(await admin.client.storage.from(BUCKET).upload(path, tinyPng, { contentType: "image/png" }));
    ok(
      await admin.client.from("products").insert({
        id: productId,
        sku: `PIT-${productId.slice(0, 8)}`,
        name: "Helmet bag",
        price_amount: 1000,
        currency: "USD",
        is_active: true,
      }),
    );
    ok(
      await admin.client
        .from("product_images")
        .insert({ product_id: productId, storage_path: path, is_primary: true }),
    );
    const anon = anonClient();

    // A signed-in non-admin's updates and deletes match no row (RLS); anon has no such privilege at all.
    const untouched = (
      result: { data: unknown; error: { code: string } | null },
      client: SupabaseClient,
    ) =>
      expect(client === anon ? result.error?.code : (result.error ?? result.data)).toEqual(
        client === anon ? "42501" : [],
      );
    for (const client of [member.client, anon]) {
      const insert = await client.from("products").insert({
        sku: `X-${randomUUID().slice(0, 8)}`,
        name: "Fake",
        price_amount: 1,
        currency: "USD",
        is_active: true,
      });
      expect(insert.error?.code).toBe("42501");
      untouched(
        await client.from("products").update({ price_amount: 1 }).eq("id", productId).select(),
        client,
      );
      untouched(await client.from("products").delete().eq("id", productId).select(), client);
      expect(
        (
          await client
            .from("product_images")
            .insert({ product_id: productId, storage_path: `${productId}/other.png` })
        ).error?.code,
      ).toBe("42501");
      untouched(
        await client
          .from("product_images")
          .update({ alt_text: "defaced" })
          .eq("product_id", productId)
          .select(),
        client,
      );
      untouched(
        await client.from("product_images").delete().eq("product_id", productId).select(),
        client,
      );
      // The bucket: no replacing and no deleting the admin's object.
      expect(
        (
          await client.storage
            .from(BUCKET)
            .upload(path, Buffer.from("not a png"), { contentType: "image/png", upsert: true })
        ).error,
      ).not.toBeNull();
      await client.storage.from(BUCKET).remove([path]);
    }
    expect(
      await sql("select price_amount, is_active from public.products where id = $1", [productId]),
    ).toEqual([{ price_amount: 1000, is_active: true }]);
    expect(
      await sql("select storage_path, alt_text from public.product_images where product_id = $1", [
        productId,
      ]),
    ).toEqual([{ storage_path: path, alt_text: null }]);
    expect(await objectExists(path)).toBe(true);
    const stillThere = ok(await admin.client.storage.from(BUCKET).download(path));
    expect(Buffer.from(await stillThere.arrayBuffer()).equals(tinyPng)).toBe(true);

    // Admins get clear refusals for bad input, and nothing is written.
    const badPrice = await admin.client.from("products").insert({
      sku: `BAD-${productId.slice(0, 8)}`,
      name: "Bad",
      price_amount: -1,
      currency: "USD",
    });
    expect(badPrice.error).toMatchObject({
      code: "23514",
      message: expect.stringContaining("products_price"),
    });
    const badCurrency = await admin.client.from("products").insert({
      sku: `BAD-${productId.slice(0, 8)}`,
      name: "Bad",
      price_amount: 1,
      currency: "usd",
    });
    expect(badCurrency.error).toMatchObject({
      code: "23514",
      message: expect.stringContaining("products_currency_format"),
    });
    expect(
      await sql("select 1 from public.products where sku = $1", [`BAD-${productId.slice(0, 8)}`]),
    ).toEqual([]);
    // An image row must point into its own product's folder; a second primary is refused.
    const elsewhere = await admin.client
      .from("product_images")
      .insert({ product_id: productId, storage_path: `${randomUUID()}/x.png` });
    expect(elsewhere.error).toMatchObject({
      code: "23514",
      message: expect.stringContaining("product_images_path"),
    });
    const secondPrimary = await admin.client
      .from("product_images")
      .insert({ product_id: productId, storage_path: `${productId}/second.png`, is_primary: true });
    expect(secondPrimary.error?.code).toBe("23505");
    expect(
      await sql("select count(*)::int as n from public.product_images where product_id = $1", [
        productId,
      ]),
    ).toEqual([{ n: 1 }]);
  });
});
