import { beforeAll, describe, expect, it } from "vitest";
import { createUser, stack, type TestUser } from "../helpers/db.ts";
import { ok, signedInClient } from "../helpers/auth.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import {
  bucketName,
  createBucketRow,
  createOwnFolderPolicies,
  filesOnDisk,
  objectRows,
} from "./helpers.ts";

const service = () => supabaseClient(stack().serviceRoleKey);
const anon = () => supabaseClient(stack().anonKey);

describe("storage objects under RLS (own-folder policies)", () => {
  const bucket = bucketName("private");
  let owner: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    await createBucketRow(bucket);
    await createOwnFolderPolicies(bucket);
    [owner, other] = await Promise.all([createUser(), createUser()]);
  });

  it("lets the owner upload, download, list, inspect and sign its files", async () => {
    const files = (await signedInClient(owner)).storage.from(bucket);
    const path = `${owner.id}/notes/hello.txt`;
    const uploaded = await files.upload(path, "hello world", {
      contentType: "text/plain",
      cacheControl: "60",
      metadata: { tag: "a" },
    });
    expect(uploaded).toEqual({
      data: { path, id: expect.any(String), fullPath: `${bucket}/${path}` },
      error: null,
    });

    const [row] = await objectRows(bucket);
    expect(row).toMatchObject({
      name: path,
      owner_id: owner.id,
      metadata: { size: 11, mimetype: "text/plain", cacheControl: "max-age=60" },
    });
    expect(await filesOnDisk(bucket)).toEqual([
      expect.stringMatching(new RegExp(`^${owner.id}/notes/hello.txt/[0-9a-f-]{36}$`)),
    ]);

    const downloaded = await files.download(path);
    expect(await downloaded.data?.text()).toBe("hello world");

    const { data: listed } = await files.list(`${owner.id}/notes`);
    expect(listed).toEqual([
      expect.objectContaining({
        name: "hello.txt",
        metadata: expect.objectContaining({ size: 11 }),
      }),
    ]);
    const { data: root } = await files.list(owner.id);
    expect(root).toEqual([expect.objectContaining({ name: "notes", id: null })]);

    const { data: info } = await files.info(path);
    expect(info).toMatchObject({
      name: path,
      bucketId: bucket,
      size: 11,
      contentType: "text/plain",
      metadata: { tag: "a" },
    });
    expect(await files.exists(path)).toEqual({ data: true, error: null });
    expect((await files.exists(`${owner.id}/missing.txt`)).data).toBe(false);

    const { data: signed } = await files.createSignedUrl(path, 60, { download: "copy.txt" });
    const response = await fetch(signed!.signedUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(
      "attachment; filename=copy.txt; filename*=UTF-8''copy.txt",
    );
    expect(await response.text()).toBe("hello world");
  });

  it("lists V2 folders and files with their key, and reads empty user metadata as {}", async () => {
    const files = (await signedInClient(owner)).storage.from(bucket);
    ok(await files.upload(`${owner.id}/v2/a/one.txt`, "1", { contentType: "text/plain" }));
    ok(await files.upload(`${owner.id}/v2/two.txt`, "2", { contentType: "text/plain" }));
    const { data, error } = await files.listV2({ prefix: `${owner.id}/v2/`, with_delimiter: true });
    expect(error).toBeNull();
    expect(data!.folders).toEqual([
      expect.objectContaining({ key: "a", name: `${owner.id}/v2/a/` }),
    ]);
    expect(data!.objects).toEqual([
      expect.objectContaining({ key: "two.txt", name: `${owner.id}/v2/two.txt` }),
    ]);
    const { data: info } = await files.info(`${owner.id}/v2/two.txt`);
    expect(info!.metadata).toEqual({});
  });

  it("hides the owner's files from another user and from anon, and refuses their writes", async () => {
    const path = `${owner.id}/private.txt`;
    await (await signedInClient(owner)).storage.from(bucket).upload(path, "secret");
    const asOther = (await signedInClient(other)).storage.from(bucket);

    expect((await asOther.download(path)).error).toMatchObject({ statusCode: "404" });
    expect((await asOther.list(owner.id)).data).toEqual([]);
    expect((await asOther.createSignedUrl(path, 60)).error).toMatchObject({
      statusCode: "404",
      code: "NoSuchKey",
    });
    const signedMany = await asOther.createSignedUrls([path], 60);
    expect(signedMany.data).toEqual([
      expect.objectContaining({
        path,
        signedURL: null,
        error: "Either the object does not exist or you do not have access to it",
      }),
    ]);
    // Deleting what RLS hides deletes nothing; the file stays.
    expect(await asOther.remove([path])).toEqual({ data: [], error: null });
    expect((await asOther.move(path, `${other.id}/stolen.txt`)).error).toMatchObject({
      statusCode: "404",
      code: "NoSuchKey",
    });

    const intoOwnersFolder = await asOther.upload(`${owner.id}/planted.txt`, "x");
    expect(intoOwnersFolder.error).toMatchObject({
      statusCode: "403",
      message: "new row violates row-level security policy",
    });
    const anonUpload = await anon().storage.from(bucket).upload("anon.txt", "x");
    expect(anonUpload.error).toMatchObject({ statusCode: "403", code: "AccessDenied" });
    expect((await anon().storage.from(bucket).download(path)).error).toMatchObject({
      statusCode: "404",
    });

    expect((await objectRows(bucket)).map((row) => row.name)).toContain(path);
    expect((await objectRows(bucket)).map((row) => row.name)).not.toContain(
      `${owner.id}/planted.txt`,
    );
    // The service role bypasses RLS.
    expect(await (await service().storage.from(bucket).download(path)).data?.text()).toBe("secret");
  });

  it("upserts, moves, copies and removes as the owner, keeping one file per object on disk", async () => {
    const files = (await signedInClient(owner)).storage.from(bucket);
    const base = `${owner.id}/moving`;
    await files.upload(`${base}/a.txt`, "first");
    expect((await files.upload(`${base}/a.txt`, "again")).error).toMatchObject({
      statusCode: "409",
      code: "KeyAlreadyExists",
    });
    expect((await files.upload(`${base}/a.txt`, "second", { upsert: true })).error).toBeNull();
    expect((await files.update(`${base}/a.txt`, "third")).error).toBeNull();
    expect(await (await files.download(`${base}/a.txt`)).data?.text()).toBe("third");

    expect(await files.move(`${base}/a.txt`, `${base}/b.txt`)).toEqual({
      data: expect.objectContaining({ message: "Successfully moved" }),
      error: null,
    });
    expect(await files.copy(`${base}/b.txt`, `${base}/c.txt`)).toEqual({
      data: { path: `${bucket}/${base}/c.txt` },
      error: null,
    });
    expect((await files.copy(`${base}/b.txt`, `${other.id}/c.txt`)).error).toMatchObject({
      statusCode: "403",
    });
    expect(await (await files.download(`${base}/c.txt`)).data?.text()).toBe("third");
    expect((await files.exists(`${base}/a.txt`)).data).toBe(false);

    const onDisk = (await filesOnDisk(bucket)).filter((file) => file.startsWith(`${base}/`));
    expect(onDisk.map((file) => file.replace(/\/[^/]+$/, "")).sort()).toEqual([
      `${base}/b.txt`,
      `${base}/c.txt`,
    ]);

    const removed = await files.remove([`${base}/b.txt`, `${base}/c.txt`]);
    expect(removed.data?.map((row) => row.name).sort()).toEqual([`${base}/b.txt`, `${base}/c.txt`]);
    expect((await filesOnDisk(bucket)).filter((file) => file.startsWith(`${base}/`))).toEqual([]);
  });

  it("issues signed upload URLs the owner may use, and refuses them to others", async () => {
    const path = `${owner.id}/signed-upload.txt`;
    const { data: signed } = await (
      await signedInClient(owner)
    ).storage
      .from(bucket)
      .createSignedUploadUrl(path);
    expect(signed).toMatchObject({ path, token: expect.any(String) });
    const uploaded = await anon()
      .storage.from(bucket)
      .uploadToSignedUrl(path, signed!.token, "via token", { contentType: "text/plain" });
    expect(uploaded).toEqual({ data: { path, fullPath: `${bucket}/${path}` }, error: null });
    expect(await objectRows(bucket)).toContainEqual(
      expect.objectContaining({ name: path, owner_id: owner.id }),
    );
    // A token is bound to its path.
    const elsewhere = await anon()
      .storage.from(bucket)
      .uploadToSignedUrl(`${owner.id}/other.txt`, signed!.token, "x");
    expect(elsewhere.error).toMatchObject({ statusCode: "400", code: "InvalidSignature" });

    const refused = await (
      await signedInClient(other)
    ).storage
      .from(bucket)
      .createSignedUploadUrl(`${owner.id}/nope.txt`);
    expect(refused.error).toMatchObject({
      statusCode: "403",
      message: "new row violates row-level security policy",
    });
  });
});

describe("storage limits and public buckets", () => {
  it("refuses files over the bucket's limit or of a type it does not allow, leaving no row and no file", async () => {
    const bucket = bucketName("limits");
    await createBucketRow(bucket, {
      fileSizeLimit: 1000,
      allowedMimeTypes: ["image/png", "text/*"],
    });
    const files = service().storage.from(bucket);

    const tooLarge = await files.upload("big.txt", "x".repeat(1001), { contentType: "text/plain" });
    expect(tooLarge.error).toMatchObject({
      status: 400,
      statusCode: "413",
      code: "EntityTooLarge",
      message: "The object exceeded the maximum allowed size",
    });
    const tooLargeForm = await files.upload(
      "big-form.txt",
      new Blob(["x".repeat(1001)], { type: "text/plain" }),
    );
    expect(tooLargeForm.error).toMatchObject({ statusCode: "413", code: "EntityTooLarge" });
    const wrongType = await files.upload(
      "doc.pdf",
      new Blob(["%PDF"], { type: "application/pdf" }),
    );
    expect(wrongType.error).toMatchObject({
      statusCode: "415",
      code: "InvalidMimeType",
      message: "mime type application/pdf is not supported",
    });
    expect(await objectRows(bucket)).toEqual([]);
    expect(await filesOnDisk(bucket)).toEqual([]);

    expect(
      (
        await files.upload(
          "ok.png",
          new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }),
        )
      ).error,
    ).toBeNull();
    expect(
      (await files.upload("ok.txt", "x".repeat(1000), { contentType: "text/markdown" })).error,
    ).toBeNull();
    expect((await objectRows(bucket)).map((row) => row.name)).toEqual(["ok.png", "ok.txt"]);
  });

  it("refuses uploads to a missing bucket", async () => {
    const result = await service().storage.from(bucketName("missing")).upload("a.txt", "x");
    expect(result.error).toMatchObject({
      statusCode: "404",
      code: "NoSuchBucket",
      message: "Bucket not found",
    });
  });

  it("serves public buckets to anyone by public URL, without policies", async () => {
    const bucket = bucketName("public");
    await createBucketRow(bucket, { public: true });
    await service()
      .storage.from(bucket)
      .upload("logo.txt", "public bytes", { contentType: "text/plain" });

    const { data } = anon().storage.from(bucket).getPublicUrl("logo.txt");
    expect(data.publicUrl).toBe(`${stack().apiUrl}/storage/v1/object/public/${bucket}/logo.txt`);
    const response = await fetch(data.publicUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("public bytes");
    expect(await (await anon().storage.from(bucket).download("logo.txt")).data?.text()).toBe(
      "public bytes",
    );

    // Listing still goes through RLS: no select policy, nothing listed.
    expect((await anon().storage.from(bucket).list()).data).toEqual([]);
    // A private bucket has no public URL.
    const privateBucket = bucketName("not-public");
    await createBucketRow(privateBucket);
    await service().storage.from(privateBucket).upload("x.txt", "x");
    const refused = await fetch(
      anon().storage.from(privateBucket).getPublicUrl("x.txt").data.publicUrl,
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: "404", error: "Bucket not found" });
  });
});
