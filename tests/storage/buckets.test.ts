import { describe, expect, it } from "vitest";
import { createUser, sql, stack } from "../helpers/db.ts";
import { signedInClient } from "../helpers/auth.ts";
import { accessTokenFor, supabaseClient } from "../helpers/supabase.ts";
import { bucketName, createBucketRow, filesOnDisk, storageFetch } from "./helpers.ts";

const service = () => supabaseClient(stack().serviceRoleKey);
const anon = () => supabaseClient(stack().anonKey);

describe("storage buckets through supabase-js", () => {
  it("creates, reads, lists, updates and deletes a bucket as service_role", async () => {
    const id = bucketName("crud");
    const created = await service().storage.createBucket(id, {
      public: true,
      fileSizeLimit: "2MB",
      allowedMimeTypes: ["image/png", "", "text/*"],
    });
    expect(created).toEqual({ data: { name: id }, error: null });

    const { data: bucket } = await service().storage.getBucket(id);
    expect(bucket).toMatchObject({
      id,
      name: id,
      public: true,
      file_size_limit: 2_000_000,
      allowed_mime_types: ["image/png", "text/*"],
      owner: null,
    });

    const { data: listed } = await service().storage.listBuckets({ search: id });
    expect(listed).toEqual([expect.objectContaining({ id, type: "STANDARD" })]);

    expect(
      await service().storage.updateBucket(id, {
        public: false,
        fileSizeLimit: 1024,
        allowedMimeTypes: null,
      }),
    ).toEqual({
      data: { message: "Successfully updated" },
      error: null,
    });
    const [row] = await sql(
      "select public, file_size_limit::int as limit, allowed_mime_types from storage.buckets where id = $1",
      [id],
    );
    expect(row).toEqual({ public: false, limit: 1024, allowed_mime_types: null });

    expect(await service().storage.deleteBucket(id)).toEqual({
      data: { message: "Successfully deleted" },
      error: null,
    });
    expect(await sql("select id from storage.buckets where id = $1", [id])).toEqual([]);
  });

  it("answers storage-api's errors for duplicates, bad names, missing buckets and too large limits", async () => {
    const id = bucketName("errors");
    await service().storage.createBucket(id);
    const duplicate = await service().storage.createBucket(id);
    expect(duplicate.error).toMatchObject({
      status: 400,
      statusCode: "409",
      code: "BucketAlreadyExists",
      message: "The resource already exists",
    });

    const badName = await service().storage.createBucket("bad/name");
    expect(badName.error).toMatchObject({
      statusCode: "400",
      code: "InvalidBucketName",
      message: "Bucket name invalid",
    });

    const missing = await service().storage.getBucket(bucketName("missing"));
    expect(missing.error).toMatchObject({
      status: 400,
      statusCode: "404",
      code: "NoSuchBucket",
      message: "Bucket not found",
    });

    // The project's limit is config.toml's [storage] file_size_limit, 50 MiB.
    const tooLarge = await service().storage.createBucket(bucketName("huge"), {
      public: false,
      fileSizeLimit: "60MB",
    });
    expect(tooLarge.error).toMatchObject({ statusCode: "413", code: "EntityTooLarge" });

    const badMime = await service().storage.updateBucket(id, {
      public: false,
      allowedMimeTypes: ["not a mime type"],
    });
    expect(badMime.error).toMatchObject({ statusCode: "415", code: "InvalidMimeType" });
    expect(await sql("select allowed_mime_types from storage.buckets where id = $1", [id])).toEqual(
      [{ allowed_mime_types: null }],
    );
  });

  it("authorizes bucket calls by RLS on storage.buckets as the caller", async () => {
    const id = bucketName("rls");
    const anonCreate = await anon().storage.createBucket(id);
    expect(anonCreate.error).toMatchObject({
      statusCode: "403",
      code: "AccessDenied",
      message: "new row violates row-level security policy",
    });
    expect(await sql("select id from storage.buckets where id = $1", [id])).toEqual([]);

    const user = await createUser();
    await sql(
      `create policy "${id} create" on storage.buckets for insert to authenticated with check (id = '${id}')`,
    );
    await sql(
      `create policy "${id} read" on storage.buckets for select to authenticated using (id = '${id}')`,
    );
    const asUser = await signedInClient(user);
    expect((await asUser.storage.createBucket(id)).error).toBeNull();
    expect(
      await sql("select owner::text, owner_id from storage.buckets where id = $1", [id]),
    ).toEqual([{ owner: user.id, owner_id: user.id }]);
    expect((await asUser.storage.getBucket(id)).data).toMatchObject({ id, owner: user.id });
    // Without a select policy for anon the bucket does not exist for it; without a delete policy nobody but the service role removes it.
    expect((await anon().storage.getBucket(id)).error).toMatchObject({ statusCode: "404" });
    expect((await asUser.storage.deleteBucket(id)).error).toMatchObject({
      statusCode: "404",
      code: "NoSuchBucket",
    });
    expect((await service().storage.deleteBucket(id)).error).toBeNull();
  });

  it("refuses to delete a bucket with objects, and empties it (service role only)", async () => {
    const id = bucketName("empty");
    await createBucketRow(id);
    await service().storage.from(id).upload("a/one.txt", "1");
    await service().storage.from(id).upload("two.txt", "2");

    const notEmpty = await service().storage.deleteBucket(id);
    expect(notEmpty.error).toMatchObject({
      statusCode: "409",
      code: "ResourceNotEmpty",
      message: "The bucket you tried to delete is not empty",
    });

    const user = await createUser();
    const byUser = await storageFetch(`/bucket/${id}/empty`, {
      method: "POST",
      token: await accessTokenFor(user),
    });
    expect(byUser.status).toBe(403);
    expect(await byUser.json()).toEqual({
      statusCode: "403",
      code: "AccessDenied",
      error: "Unauthorized",
      message: "Access denied: Invalid role",
    });

    expect((await service().storage.emptyBucket(id)).error).toBeNull();
    expect(await sql("select name from storage.objects where bucket_id = $1", [id])).toEqual([]);
    expect(await filesOnDisk(id)).toEqual([]);
    expect((await service().storage.deleteBucket(id)).error).toBeNull();
  });
});
