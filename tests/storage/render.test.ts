import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { signedInClient, spawnStackWithConfig } from "../helpers/auth.ts";
import { createUser, stack, type TestUser } from "../helpers/db.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import { bucketName, createBucketRow, createOwnFolderPolicies, storageFetch } from "./helpers.ts";

/** storage-js types `format` as "origin" only; storage-api (and these tests) take webp and avif too. */
const format = (name: "webp" | "avif") => name as "origin";

const service = () => supabaseClient(stack().serviceRoleKey);
const anon = () => supabaseClient(stack().anonKey);

/** A 400×300 PNG: left half red, right half blue, so a crop and a squeeze are told apart. */
async function testImage(): Promise<Buffer> {
  const half = { width: 200, height: 300, channels: 3 as const };
  return sharp({ create: { width: 400, height: 300, channels: 3, background: "#ff0000" } })
    .composite([
      {
        input: await sharp({ create: { ...half, background: "#0000ff" } })
          .png()
          .toBuffer(),
        left: 200,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
}

async function decoded(response: Response) {
  expect(response.status).toBe(200);
  const bytes = Buffer.from(await response.arrayBuffer());
  const meta = await sharp(bytes).metadata();
  return { format: meta.format, width: meta.width, height: meta.height, bytes: bytes.length };
}

describe("storage image transformations", () => {
  const publicBucket = bucketName("render-public");
  const privateBucket = bucketName("render-private");
  let owner: TestUser;
  let other: TestUser;
  let png: Buffer;

  beforeAll(async () => {
    png = await testImage();
    await createBucketRow(publicBucket, { public: true });
    await createBucketRow(privateBucket);
    await createOwnFolderPolicies(privateBucket);
    [owner, other] = await Promise.all([createUser(), createUser()]);
    const files = service().storage.from(publicBucket);
    expect((await files.upload("car.png", png, { contentType: "image/png" })).error).toBeNull();
    expect(
      (await files.upload("notes.txt", "not an image", { contentType: "text/plain" })).error,
    ).toBeNull();
    // Noise, where lossy quality makes a difference in size.
    const noise = await sharp({
      create: {
        width: 300,
        height: 200,
        channels: 3,
        background: "#808080",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    expect((await files.upload("noise.png", noise, { contentType: "image/png" })).error).toBeNull();
    const own = (await signedInClient(owner)).storage.from(privateBucket);
    expect(
      (await own.upload(`${owner.id}/car.png`, png, { contentType: "image/png" })).error,
    ).toBeNull();
  });

  it("resizes public images by getPublicUrl's transform: cover, contain, fill, one side", async () => {
    const files = anon().storage.from(publicBucket);
    const url = (transform: Parameters<typeof files.getPublicUrl>[1]) =>
      files.getPublicUrl("car.png", transform).data.publicUrl;

    const cover = await fetch(url({ transform: { width: 100, height: 100, resize: "cover" } }));
    expect(cover.headers.get("x-transformations")).toBe("height:100,width:100,resizing_type:fill");
    expect(cover.headers.get("content-type")).toBe("image/png");
    expect(await decoded(cover)).toMatchObject({ format: "png", width: 100, height: 100 });
    expect(url({ transform: { width: 100 } })).toContain("/storage/v1/render/image/public/");

    const contain = await fetch(url({ transform: { width: 100, height: 100, resize: "contain" } }));
    expect(await decoded(contain)).toMatchObject({ width: 100, height: 75 });

    const fill = await fetch(url({ transform: { width: 100, height: 100, resize: "fill" } }));
    expect(fill.headers.get("x-transformations")).toBe("height:100,width:100,resizing_type:force");
    expect(await decoded(fill)).toMatchObject({ width: 100, height: 100 });

    const oneSide = await fetch(url({ transform: { width: 200 } }));
    expect(await decoded(oneSide)).toMatchObject({ width: 200, height: 150 });

    // Never enlarged, as imgproxy without `enlarge`.
    const larger = await fetch(url({ transform: { width: 800, resize: "contain" } }));
    expect(await decoded(larger)).toMatchObject({ width: 400, height: 300 });
  });

  it("converts to webp and avif, and to webp for clients that accept it unless format is origin", async () => {
    const files = anon().storage.from(publicBucket);
    const webp = await fetch(
      files.getPublicUrl("car.png", { transform: { width: 100, format: format("webp") } }).data
        .publicUrl,
    );
    expect(webp.headers.get("content-type")).toBe("image/webp");
    expect(await decoded(webp)).toMatchObject({ format: "webp", width: 100, height: 75 });

    const avif = await fetch(
      files.getPublicUrl("car.png", { transform: { width: 100, format: format("avif") } }).data
        .publicUrl,
    );
    expect(avif.headers.get("content-type")).toBe("image/avif");
    expect(await decoded(avif)).toMatchObject({ format: "heif", width: 100 });

    const accept = { Accept: "image/avif,image/webp,image/*,*/*;q=0.8" };
    const detected = await fetch(
      files.getPublicUrl("car.png", { transform: { width: 100 } }).data.publicUrl,
      { headers: accept },
    );
    expect(detected.headers.get("content-type")).toBe("image/webp");
    const origin = await fetch(
      files.getPublicUrl("car.png", { transform: { width: 100, format: "origin" } }).data.publicUrl,
      { headers: accept },
    );
    expect(await decoded(origin)).toMatchObject({ format: "png" });
  });

  it("applies quality", async () => {
    const files = anon().storage.from(publicBucket);
    const size = async (quality: number) =>
      (
        await decoded(
          await fetch(
            files.getPublicUrl("noise.png", {
              transform: { width: 300, format: format("webp"), quality },
            }).data.publicUrl,
          ),
        )
      ).bytes;
    expect(await size(20)).toBeLessThan((await size(100)) / 2);
  });

  it("downloads a private image transformed through the caller's RLS", async () => {
    const path = `${owner.id}/car.png`;
    const own = (await signedInClient(owner)).storage.from(privateBucket);
    const { data, error } = await own.download(path, {
      transform: { width: 40, height: 40, resize: "cover" },
    });
    expect(error).toBeNull();
    const meta = await sharp(Buffer.from(await data!.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([40, 40]);

    const theirs = (await signedInClient(other)).storage.from(privateBucket);
    const refused = await theirs.download(path, { transform: { width: 40 } });
    expect(refused.data).toBeNull();
    expect((refused.error as { status?: number }).status).toBe(400);

    const publicRoute = await fetch(
      `${stack().apiUrl}/storage/v1/render/image/public/${privateBucket}/${path}?width=40`,
    );
    expect(publicRoute.status).toBe(400);
    expect(await publicRoute.json()).toMatchObject({
      statusCode: "404",
      error: "Bucket not found",
    });
  });

  it("signs URLs that carry the transformation", async () => {
    const path = `${owner.id}/car.png`;
    const own = (await signedInClient(owner)).storage.from(privateBucket);
    const { data, error } = await own.createSignedUrl(path, 60, {
      transform: { width: 120, height: 60, resize: "fill", format: format("webp") },
    });
    expect(error).toBeNull();
    expect(data!.signedUrl).toContain(
      `/storage/v1/render/image/sign/${privateBucket}/${path}?token=`,
    );
    const token = new URL(data!.signedUrl).searchParams.get("token")!;
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as {
      transformations: string;
    };
    expect(claims.transformations).toBe("height:60,width:120,resize:fill,format:webp");

    const signed = await fetch(data!.signedUrl);
    expect(signed.headers.get("expires")).not.toBeNull();
    expect(await decoded(signed)).toMatchObject({ format: "webp", width: 120, height: 60 });

    // The query string cannot change what was signed.
    const widened = await fetch(`${data!.signedUrl}&width=400`);
    expect(await decoded(widened)).toMatchObject({ width: 120, height: 60 });
    // Nor can the token be used for another object.
    const elsewhere = await fetch(
      `${stack().apiUrl}/storage/v1/render/image/sign/${publicBucket}/car.png?token=${token}`,
    );
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ error: "InvalidSignature" });

    // Without a transformation the URL is a plain signed object URL.
    const plain = await own.createSignedUrl(path, 60);
    expect(plain.data!.signedUrl).toContain("/storage/v1/object/sign/");
  });

  it("answers bad options and non-images as storage-api does", async () => {
    const bad = await storageFetch(`/render/image/public/${publicBucket}/car.png?quality=5`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      statusCode: "400",
      code: "InvalidRequest",
      error: "InvalidRequest",
      message: "querystring/quality must be >= 20",
    });
    const resize = await storageFetch(`/render/image/public/${publicBucket}/car.png?resize=crop`);
    expect((await resize.json()).message).toBe(
      "querystring/resize must be equal to one of the allowed values",
    );
    const text = await storageFetch(`/render/image/public/${publicBucket}/notes.txt?width=10`);
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({
      statusCode: "400",
      code: "InvalidRequest",
      error: "InvalidRequest",
      message: "The source image is invalid or unsupported for rendering",
    });
    const missing = await storageFetch(`/render/image/public/${publicBucket}/nothing.png`);
    expect(await missing.json()).toMatchObject({ statusCode: "404", code: "NoSuchKey" });
  });
});

describe("storage image transformations switched off", () => {
  let off: SpawnedStack;

  beforeAll(async () => {
    // The CLI's default: no [storage.image_transformation] section, so no imgproxy.
    off = await spawnStackWithConfig(`project_id = "render-off"\n`);
  }, 120_000);

  afterAll(async () => {
    await off?.stop();
  });

  it("has no render routes and signs plain object URLs, as storage-api without imgproxy", async () => {
    const storage = supabaseClient(off.serviceRoleKey, { apiUrl: off.apiUrl }).storage;
    expect((await storage.createBucket("off", { public: true })).error).toBeNull();
    const files = storage.from("off");
    expect(
      (await files.upload("car.png", await testImage(), { contentType: "image/png" })).error,
    ).toBeNull();
    const rendered = await fetch(
      files.getPublicUrl("car.png", { transform: { width: 10 } }).data.publicUrl,
    );
    expect(rendered.status).toBe(404);
    expect(await rendered.json()).toMatchObject({ statusCode: "404", error: "Not Found" });
    const { data } = await files.createSignedUrl("car.png", 60, { transform: { width: 10 } });
    expect(data!.signedUrl).toContain("/storage/v1/object/sign/off/car.png?token=");
  });
});
