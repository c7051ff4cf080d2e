import { randomBytes } from "node:crypto";
import { access, readFile, writeFile } from "node:fs/promises";
import { request } from "node:http";
import path from "node:path";
import * as tus from "tus-js-client";
import { beforeAll, describe, expect, it } from "vitest";
import { signedInClient } from "../helpers/auth.ts";
import { createUser, sql, stack, type TestUser } from "../helpers/db.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import { bucketName, createBucketRow, createOwnFolderPolicies, storageFetch } from "./helpers.ts";

/** A real session's access token, as an app signed in with supabase-js holds it. */
async function tokenOf(user: TestUser): Promise<string> {
  const { data } = await (await signedInClient(user)).auth.getSession();
  return data.session!.access_token;
}

const endpoint = () => `${stack().apiUrl}/storage/v1/upload/resumable`;

interface UploadOptions {
  token: string;
  bucket: string;
  name: string;
  upsert?: boolean;
  contentType?: string;
  chunkSize?: number;
  uploadUrl?: string;
}

/** tus-js-client configured as Supabase's resumable-upload guide does it. */
function tusUpload(
  bytes: Buffer,
  options: UploadOptions,
): Promise<{ url: string; error?: tus.DetailedError }> {
  return new Promise((resolve) => {
    const upload: tus.Upload = new tus.Upload(bytes, {
      endpoint: endpoint(),
      ...(options.uploadUrl && { uploadUrl: options.uploadUrl }),
      retryDelays: [],
      headers: {
        authorization: `Bearer ${options.token}`,
        "x-upsert": options.upsert ? "true" : "false",
      },
      uploadDataDuringCreation: false,
      removeFingerprintOnSuccess: true,
      metadata: {
        bucketName: options.bucket,
        objectName: options.name,
        contentType: options.contentType ?? "application/octet-stream",
        cacheControl: "3600",
        metadata: JSON.stringify({ source: "tus" }),
      },
      chunkSize: options.chunkSize ?? 1024 * 1024,
      onSuccess: () => resolve({ url: upload.url! }),
      onError: (error) => resolve({ url: upload.url ?? "", error: error as tus.DetailedError }),
    });
    upload.start();
  });
}

const failure = (error: tus.DetailedError | undefined) => ({
  status: error?.originalResponse?.getStatus(),
  body: error?.originalResponse?.getBody(),
});

async function offsetOf(url: string, token: string): Promise<number> {
  const head = await fetch(url, {
    method: "HEAD",
    headers: { authorization: `Bearer ${token}`, "Tus-Resumable": "1.0.0" },
  });
  expect(head.status).toBe(200);
  return Number(head.headers.get("upload-offset"));
}

describe("storage resumable uploads (TUS)", () => {
  const bucket = bucketName("tus");
  const small = bucketName("tus-small");
  let owner: TestUser;
  let other: TestUser;
  let ownerToken: string;
  let otherToken: string;

  beforeAll(async () => {
    await createBucketRow(bucket);
    await createOwnFolderPolicies(bucket);
    await createBucketRow(small, { fileSizeLimit: 1000 });
    await createOwnFolderPolicies(small);
    [owner, other] = await Promise.all([createUser(), createUser()]);
    [ownerToken, otherToken] = await Promise.all([tokenOf(owner), tokenOf(other)]);
  });

  it("uploads in chunks under the caller's RLS, with the object's metadata", async () => {
    const bytes = randomBytes(2.5 * 1024 * 1024);
    const name = `${owner.id}/video.bin`;
    const { error } = await tusUpload(bytes, {
      token: ownerToken,
      bucket,
      name,
      contentType: "video/mp4",
    });
    expect(error).toBeUndefined();
    const files = supabaseClient(stack().anonKey, { accessToken: ownerToken }).storage.from(bucket);
    const downloaded = await files.download(name);
    expect(Buffer.from(await downloaded.data!.arrayBuffer()).equals(bytes)).toBe(true);
    const [row] = await sql<{
      owner_id: string;
      metadata: Record<string, unknown>;
      user_metadata: unknown;
    }>(
      "select owner_id, metadata, user_metadata from storage.objects where bucket_id = $1 and name = $2",
      [bucket, name],
    );
    expect(row).toMatchObject({
      owner_id: owner.id,
      metadata: { size: bytes.length, mimetype: "video/mp4", cacheControl: "max-age=3600" },
      user_metadata: { source: "tus" },
    });
  });

  it("refuses what RLS refuses, a second upload without x-upsert, and sizes over the limit", async () => {
    const intoOwners = await tusUpload(randomBytes(100), {
      token: otherToken,
      bucket,
      name: `${owner.id}/intruder.bin`,
    });
    expect(failure(intoOwners.error)).toEqual({
      status: 403,
      body: "new row violates row-level security policy\n",
    });

    const name = `${owner.id}/twice.bin`;
    expect(
      (await tusUpload(Buffer.from("first"), { token: ownerToken, bucket, name })).error,
    ).toBeUndefined();
    const again = await tusUpload(Buffer.from("second"), { token: ownerToken, bucket, name });
    expect(failure(again.error)).toEqual({ status: 409, body: "The resource already exists\n" });
    const upsert = await tusUpload(Buffer.from("second"), {
      token: ownerToken,
      bucket,
      name,
      upsert: true,
    });
    expect(upsert.error).toBeUndefined();
    const files = supabaseClient(stack().anonKey, { accessToken: ownerToken }).storage.from(bucket);
    expect(await (await files.download(name)).data!.text()).toBe("second");

    const tooBig = await tusUpload(randomBytes(2000), {
      token: ownerToken,
      bucket: small,
      name: `${owner.id}/big.bin`,
    });
    expect(failure(tooBig.error)).toEqual({ status: 413, body: "Maximum size exceeded\n" });
    expect(await sql("select name from storage.objects where bucket_id = $1", [small])).toEqual([]);
  });

  it("resumes an upload whose connection dropped, from the offset the server kept", async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const name = `${owner.id}/resumed.bin`;
    const created = await fetch(endpoint(), {
      method: "POST",
      headers: {
        authorization: `Bearer ${ownerToken}`,
        "Tus-Resumable": "1.0.0",
        "Upload-Length": String(bytes.length),
        "Upload-Metadata": `bucketName ${Buffer.from(bucket).toString("base64")},objectName ${Buffer.from(name).toString("base64")}`,
      },
    });
    expect(created.status).toBe(201);
    const url = created.headers.get("location")!;
    expect(url).toMatch(new RegExp(`^${endpoint()}/[A-Za-z0-9_-]+$`));
    expect(await offsetOf(url, ownerToken)).toBe(0);

    // A PATCH that promises the whole file, sends 1 MiB and loses its connection.
    const sent = 1024 * 1024;
    const patch = request(url, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${ownerToken}`,
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
        "Content-Length": String(bytes.length),
      },
    });
    patch.on("error", () => undefined);
    patch.write(bytes.subarray(0, sent));
    while ((await offsetOf(url, ownerToken)) < sent)
      await new Promise((resolve) => setTimeout(resolve, 20));
    patch.destroy();

    const kept = await offsetOf(url, ownerToken);
    expect(kept).toBe(sent);
    // A PATCH at the wrong offset is refused.
    const wrong = await fetch(url, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${ownerToken}`,
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "5",
        "Content-Type": "application/offset+octet-stream",
      },
      body: bytes.subarray(5, 10),
    });
    expect(wrong.status).toBe(409);

    // tus-js-client asks where to go on (HEAD) and sends the rest.
    const resumed = await tusUpload(bytes, { token: ownerToken, bucket, name, uploadUrl: url });
    expect(resumed.error).toBeUndefined();
    const files = supabaseClient(stack().anonKey, { accessToken: ownerToken }).storage.from(bucket);
    const downloaded = Buffer.from(await (await files.download(name)).data!.arrayBuffer());
    expect(downloaded.equals(bytes)).toBe(true);
    expect(
      (
        await fetch(url, {
          method: "HEAD",
          headers: { authorization: `Bearer ${ownerToken}`, "Tus-Resumable": "1.0.0" },
        })
      ).status,
    ).toBe(404);
  });

  it("uploads through a signed upload URL's token in x-signature, as its owner", async () => {
    const name = `${owner.id}/signed.bin`;
    const own = supabaseClient(stack().anonKey, { accessToken: ownerToken }).storage.from(bucket);
    const { data: signed, error } = await own.createSignedUploadUrl(name);
    expect(error).toBeNull();
    const bytes = randomBytes(300 * 1024);
    const result = await new Promise<{ url: string; error?: unknown }>((resolve) => {
      const upload: tus.Upload = new tus.Upload(bytes, {
        endpoint: `${endpoint()}/sign`,
        retryDelays: [],
        headers: { "x-signature": signed!.token },
        metadata: { bucketName: bucket, objectName: name, contentType: "image/png" },
        chunkSize: 100 * 1024,
        onSuccess: () => resolve({ url: upload.url! }),
        onError: (e) => resolve({ url: "", error: e }),
      });
      upload.start();
    });
    expect(result.error).toBeUndefined();
    expect(result.url).toContain("/storage/v1/upload/resumable/sign/");
    const [row] = await sql<{ owner_id: string }>(
      "select owner_id from storage.objects where bucket_id = $1 and name = $2",
      [bucket, name],
    );
    expect(row).toEqual({ owner_id: owner.id });

    // Another object, or no token: refused.
    const other = await fetch(`${endpoint()}/sign`, {
      method: "POST",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": "1",
        "x-signature": signed!.token,
        "Upload-Metadata": `bucketName ${Buffer.from(bucket).toString("base64")},objectName ${Buffer.from(`${owner.id}/elsewhere.bin`).toString("base64")}`,
      },
    });
    expect(other.status).toBe(400);
    expect(await other.text()).toBe("Invalid signature\n");
    const unsigned = await fetch(`${endpoint()}/sign`, {
      method: "POST",
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Length": "1",
        "Upload-Metadata": `bucketName ${Buffer.from(bucket).toString("base64")},objectName ${Buffer.from(name).toString("base64")}`,
      },
    });
    expect(await unsigned.text()).toBe("Missing x-signature header\n");
  });

  it("expires unfinished uploads after an hour as hosted storage-api does: Upload-Expires, then 410 and removed", async () => {
    const create = async (name: string) => {
      const before = Date.now();
      const created = await fetch(endpoint(), {
        method: "POST",
        headers: {
          authorization: `Bearer ${ownerToken}`,
          "Tus-Resumable": "1.0.0",
          "Upload-Length": "10",
          "Upload-Metadata": `bucketName ${Buffer.from(bucket).toString("base64")},objectName ${Buffer.from(`${owner.id}/${name}`).toString("base64")}`,
        },
      });
      expect(created.status).toBe(201);
      const expires = created.headers.get("upload-expires")!;
      // RFC 7231's date, an hour after creation (to the second).
      expect(expires).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(Date.parse(expires)).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000 + 3_600_000,
      );
      expect(Date.parse(expires)).toBeLessThanOrEqual(Date.now() + 3_600_000);
      const url = created.headers.get("location")!;
      return {
        url,
        expires,
        file: path.join(stack().dataDir, "storage-resumable", url.split("/").pop()!),
      };
    };
    const patch = (url: string, offset: number, body: string) =>
      fetch(url, {
        method: "PATCH",
        headers: {
          authorization: `Bearer ${ownerToken}`,
          "Tus-Resumable": "1.0.0",
          "Upload-Offset": String(offset),
          "Content-Type": "application/offset+octet-stream",
        },
        body,
      });
    const head = (url: string) =>
      fetch(url, {
        method: "HEAD",
        headers: { authorization: `Bearer ${ownerToken}`, "Tus-Resumable": "1.0.0" },
      });
    /** Moves an upload's creation two hours back, as if it had been left that long. */
    const age = async (file: string) => {
      const stored = JSON.parse(await readFile(`${file}.json`, "utf8")) as Record<string, unknown>;
      stored.createdAt = new Date(Date.now() - 2 * 3_600_000).toISOString();
      await writeFile(`${file}.json`, JSON.stringify(stored));
    };
    const exists = (file: string) =>
      access(file).then(
        () => true,
        () => false,
      );

    const first = await create("expiring.bin");
    const partial = await patch(first.url, 0, "01234");
    expect(partial.status).toBe(204);
    expect(partial.headers.get("upload-expires")).toBe(first.expires);
    await age(first.file);
    const late = await patch(first.url, 5, "56789");
    expect([late.status, await late.text()]).toEqual([
      410,
      "The file for this url no longer exists\n",
    ]);
    expect([await exists(first.file), await exists(`${first.file}.json`)]).toEqual([false, false]);
    expect((await head(first.url)).status).toBe(404);

    // One abandoned without another request is removed when the next upload is created.
    const abandoned = await create("abandoned.bin");
    await age(abandoned.file);
    await create("next.bin");
    expect(await exists(`${abandoned.file}.json`)).toBe(false);
    expect((await patch(abandoned.url, 0, "0123456789")).status).toBe(404);
  });

  it("answers without a token as storage-api does, and the protocol's own refusals", async () => {
    const anonymous = await storageFetch("/upload/resumable", {
      method: "POST",
      token: "",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "1" },
    });
    expect(anonymous.status).toBe(400);
    expect(await anonymous.json()).toEqual({
      statusCode: "403",
      code: "AccessDenied",
      error: "Unauthorized",
      message: "Invalid Compact JWS",
    });
    const noVersion = await storageFetch("/upload/resumable", {
      method: "POST",
      token: ownerToken,
      headers: { "Upload-Length": "1" },
    });
    expect(noVersion.status).toBe(412);
    const unknown = await fetch(`${endpoint()}/bm90LWFuLXVwbG9hZA`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${ownerToken}`, "Tus-Resumable": "1.0.0" },
    });
    expect(unknown.status).toBe(404);
    const wrongType = await fetch(`${endpoint()}/bm90LWFuLXVwbG9hZA`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${ownerToken}`,
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": "text/plain",
      },
      body: "x",
    });
    expect(wrongType.status).toBe(415);
  });
});
