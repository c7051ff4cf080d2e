import { generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";
import { signJwt, supabaseClient } from "../helpers/supabase.ts";
import { bucketName, createBucketRow, storageFetch } from "./helpers.ts";

describe("storage-api's wire format", () => {
  const bucket = bucketName("wire");

  beforeAll(async () => {
    await createBucketRow(bucket);
    await supabaseClient(stack().serviceRoleKey)
      .storage.from(bucket)
      .upload("dir/file.txt", "0123456789", { contentType: "text/plain" });
  });

  it("answers a missing or bad JWT with AccessDenied", async () => {
    const missing = await storageFetch("/bucket", { token: "" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      statusCode: "403",
      code: "AccessDenied",
      error: "Unauthorized",
      message: expect.any(String),
    });
    const forged = await storageFetch("/bucket", {
      token: await new SignJWT({ role: "service_role" })
        .setProtectedHeader({ alg: "HS256" })
        .sign(new TextEncoder().encode("not the secret, but 32+ characters long")),
    });
    expect(await forged.json()).toMatchObject({ statusCode: "403", code: "AccessDenied" });
  });

  it("words JWT refusals as storage-api's jose does, and allows no clock skew", async () => {
    const refusal = async (token: string) => {
      const response = await storageFetch("/bucket", { token });
      return [response.status, ((await response.json()) as { message: string }).message];
    };
    const now = Math.floor(Date.now() / 1000);
    const claims = { role: "service_role", iat: now - 60 };
    expect(await refusal("")).toEqual([400, "Invalid Compact JWS"]);
    expect(await refusal("not.a-jwt")).toEqual([400, "Invalid Compact JWS"]);
    expect(await refusal(await signJwt(claims, "not the secret, but 32+ characters long"))).toEqual(
      [400, "signature verification failed"],
    );
    // Five seconds late or early: PostgREST's 30 s of skew lets it through, storage-api refuses it.
    const late = await signJwt({ ...claims, exp: now - 5 });
    const early = await signJwt({ ...claims, nbf: now + 5, exp: now + 600 });
    expect(await refusal(late)).toEqual([400, '"exp" claim timestamp check failed']);
    expect(await refusal(early)).toEqual([400, '"nbf" claim timestamp check failed']);
    for (const token of [late, early]) {
      const rest = await fetch(`${stack().apiUrl}/rest/v1/blog_categories?select=id&limit=1`, {
        headers: { apikey: stack().anonKey, authorization: `Bearer ${token}` },
      });
      expect(rest.status).toBe(200);
    }
    // Without signing keys an asymmetric token's algorithm is not allowed; HS384 with the secret is.
    const { privateKey } = await generateKeyPair("ES256");
    const asymmetric = await new SignJWT({ ...claims, exp: now + 600 })
      .setProtectedHeader({ alg: "ES256", kid: "a-key" })
      .sign(privateKey);
    expect(await refusal(asymmetric)).toEqual([
      400,
      '"alg" (Algorithm) Header Parameter value not allowed',
    ]);
    const hs384 = await new SignJWT({ ...claims, exp: now + 600 })
      .setProtectedHeader({ alg: "HS384" })
      .sign(new TextEncoder().encode(stack().jwtSecret));
    expect((await storageFetch("/bucket", { token: hs384 })).status).toBe(200);
  });

  it("takes the apikey as the bearer token when there is no Authorization, as Supabase's gateway does", async () => {
    const response = await fetch(`${stack().apiUrl}/storage/v1/bucket/${bucket}`, {
      headers: { apikey: stack().serviceRoleKey },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: bucket });
  });

  it("names unknown routes, invalid JSON and missing body properties the way Fastify does", async () => {
    const unknown = await storageFetch("/nothing/here");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      statusCode: "404",
      code: "InvalidRequest",
      error: "Not Found",
      message: "Route GET:/nothing/here not found",
    });

    const badJson = await storageFetch("/bucket", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ statusCode: "400", code: "InvalidRequest" });

    const noName = await storageFetch("/bucket", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await noName.json()).toMatchObject({
      statusCode: "400",
      code: "InvalidRequest",
      message: "body must have required property 'name'",
    });

    const badExpiry = await storageFetch(`/object/sign/${bucket}/dir/file.txt`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"expiresIn":0}',
    });
    expect(await badExpiry.json()).toMatchObject({
      statusCode: "400",
      code: "InvalidParameter",
      message: "Invalid Parameter expiresIn",
    });
  });

  it("refuses keys with characters S3 does not allow", async () => {
    const response = await storageFetch(`/object/${bucket}/bad%7Bkey%7D.txt`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(await response.json()).toEqual({
      statusCode: "400",
      code: "InvalidKey",
      error: "InvalidKey",
      message: "Invalid key: bad{key}.txt",
    });
  });

  it("serves byte ranges, HEAD and conditional requests with storage-api's headers", async () => {
    const ranged = await storageFetch(`/object/authenticated/${bucket}/dir/file.txt`, {
      headers: { range: "bytes=2-5" },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(await ranged.text()).toBe("2345");

    const head = await storageFetch(`/object/${bucket}/dir/file.txt`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("10");
    expect(head.headers.get("cache-control")).toBe("max-age=3600");
    const etag = head.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);

    const notModified = await storageFetch(`/object/${bucket}/dir/file.txt`, {
      headers: { "if-none-match": etag },
    });
    expect(notModified.status).toBe(304);
  });

  it("checks signed URL tokens: expiry, path and scope", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt({
      url: `${bucket}/dir/file.txt`,
      scope: "download",
      iat: now - 120,
      exp: now - 60,
    });
    const expiredResponse = await storageFetch(
      `/object/sign/${bucket}/dir/file.txt?token=${expired}`,
      { token: "" },
    );
    expect(await expiredResponse.json()).toEqual({
      statusCode: "400",
      code: "ExpiredToken",
      error: "ExpiredToken",
      message: "The provided token has expired.",
    });

    const otherPath = await signJwt({
      url: `${bucket}/dir/other.txt`,
      scope: "download",
      iat: now,
      exp: now + 60,
    });
    expect(
      await (
        await storageFetch(`/object/sign/${bucket}/dir/file.txt?token=${otherPath}`, { token: "" })
      ).json(),
    ).toMatchObject({ code: "InvalidSignature" });

    // A download token cannot be replayed as an upload.
    const download = await signJwt({
      url: `${bucket}/dir/file.txt`,
      scope: "download",
      iat: now,
      exp: now + 60,
    });
    const replay = await storageFetch(
      `/object/upload/sign/${bucket}/dir/file.txt?token=${download}`,
      { method: "PUT", token: "", body: "overwrite" },
    );
    expect(await replay.json()).toMatchObject({
      code: "InvalidSignature",
      message: "Token is not scoped for upload",
    });
    expect(
      await (
        await storageFetch(`/object/sign/${bucket}/dir/file.txt?token=${download}`, { token: "" })
      ).text(),
    ).toBe("0123456789");
  });
});
