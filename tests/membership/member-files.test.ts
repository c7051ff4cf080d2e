// Member files (sql/0032, second half): the seed's presign endpoint as presign_member_file plus a
// signed upload URL into the member's own folder of the private member-files bucket; listing and
// deleting one's files; nobody else reads them or uploads into that folder.
import { describe, expect, it } from "vitest";
import { anonClient, ok, signedInClient } from "../helpers/auth.ts";
import { createUser, sql } from "../helpers/db.ts";

interface MemberFile {
  id: string;
  user_id: string;
  storage_path: string;
}

const png = () => new Blob([new Uint8Array([137, 80, 78, 71, 13, 10])], { type: "image/png" });

async function member() {
  const user = await createUser({ name: "Files member" });
  return { user, client: await signedInClient(user) };
}

describe("member files", () => {
  it("presign, upload with the signed URL, list, read back and delete", async () => {
    const { user, client } = await member();
    const file = ok(
      await client
        .rpc("presign_member_file", {
          p_file_name: "receipt.png",
          p_content_type: "image/png",
          p_size_bytes: 6,
          p_purpose: "receipt",
        })
        .single<MemberFile>(),
    );
    expect(file.storage_path).toBe(`${user.id}/${file.id}/receipt.png`);
    const bucket = client.storage.from("member-files");
    const signed = ok(await bucket.createSignedUploadUrl(file.storage_path));
    expect(signed.signedUrl).toContain("/object/upload/sign/member-files/");
    ok(await bucket.uploadToSignedUrl(file.storage_path, signed.token, png()));

    expect(ok(await client.from("member_files").select("id, purpose, file_name"))).toEqual([
      { id: file.id, purpose: "receipt", file_name: "receipt.png" },
    ]);
    expect(ok(await bucket.download(file.storage_path)).size).toBe(6);

    ok(await bucket.remove([file.storage_path]));
    expect(ok(await client.from("member_files").select("id"))).toEqual([]);
  });

  it("uploads only into one's own folder, and only files one described", async () => {
    const owner = await member();
    const other = await member();
    const file = ok(
      await owner.client
        .rpc("presign_member_file", {
          p_file_name: "photo.png",
          p_content_type: "image/png",
          p_size_bytes: 6,
        })
        .single<MemberFile>(),
    );
    // Another member can neither get an upload URL for it nor read it once uploaded.
    expect(
      (await other.client.storage.from("member-files").createSignedUploadUrl(file.storage_path))
        .error,
    ).not.toBeNull();
    const signed = ok(
      await owner.client.storage.from("member-files").createSignedUploadUrl(file.storage_path),
    );
    ok(
      await owner.client.storage
        .from("member-files")
        .uploadToSignedUrl(file.storage_path, signed.token, png()),
    );
    expect(
      (await other.client.storage.from("member-files").download(file.storage_path)).error,
    ).not.toBeNull();
    expect(ok(await other.client.from("member_files").select("id").eq("id", file.id))).toEqual([]);
    expect(
      await other.client.from("member_files").delete().eq("id", file.id).select(),
    ).toMatchObject({ data: [] });

    // Not even the owner uploads a file they did not describe.
    const undescribed = await owner.client.storage
      .from("member-files")
      .createSignedUploadUrl(`${owner.user.id}/x/free.png`);
    expect(undescribed.error).not.toBeNull();
    const [row] = await sql(
      `select count(*)::integer as files from public.member_files where user_id = $1`,
      [owner.user.id],
    );
    expect(row!.files).toBe(1);
  });

  it("refuses names, types and sizes outside the limits, and anonymous callers, writing nothing", async () => {
    const { user, client } = await member();
    const presign = (args: Record<string, unknown>, caller = client) =>
      caller.rpc("presign_member_file", {
        p_file_name: "a.pdf",
        p_content_type: "application/pdf",
        p_size_bytes: 10,
        ...args,
      });
    expect(await presign({ p_file_name: "../etc/passwd" })).toMatchObject({
      status: 400,
      error: { code: "22023" },
    });
    expect(await presign({ p_content_type: "application/x-msdownload" })).toMatchObject({
      status: 400,
    });
    expect(await presign({ p_size_bytes: 50 * 1024 * 1024 })).toMatchObject({ status: 400 });
    expect(await presign({ p_size_bytes: 0 })).toMatchObject({ status: 400 });
    expect(await presign({}, anonClient())).toMatchObject({ status: 401 });
    expect(await sql(`select 1 from public.member_files where user_id = $1`, [user.id])).toEqual(
      [],
    );
  });
});
