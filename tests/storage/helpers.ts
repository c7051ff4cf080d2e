import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { sql, stack } from "../helpers/db.ts";

/** A bucket name no other test uses. */
export function bucketName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Creates a bucket directly in the database, as a migration or the dashboard would. */
export async function createBucketRow(
  id: string,
  options: { public?: boolean; fileSizeLimit?: number; allowedMimeTypes?: string[] } = {},
) {
  await sql(
    "insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types) values ($1, $1, $2, $3, $4)",
    [id, options.public ?? false, options.fileSizeLimit ?? null, options.allowedMimeTypes ?? null],
  );
}

/**
 * The policies Supabase's docs suggest for private per-user folders: a signed-in user may do
 * anything under `<bucket>/<their uid>/…`, nobody else may.
 */
export async function createOwnFolderPolicies(bucket: string): Promise<void> {
  const own = `bucket_id = '${bucket}' and (storage.foldername(name))[1] = (select auth.uid())::text`;
  await sql(`
    create policy "${bucket} read own" on storage.objects for select to authenticated using (${own});
    create policy "${bucket} insert own" on storage.objects for insert to authenticated with check (${own});
    create policy "${bucket} update own" on storage.objects for update to authenticated using (${own}) with check (${own});
    create policy "${bucket} delete own" on storage.objects for delete to authenticated using (${own});
  `);
}

/** Every file under the bucket's folder in the stack's data folder, relative to it. */
export async function filesOnDisk(bucket: string): Promise<string[]> {
  const root = path.join(stack().dataDir, "storage", bucket);
  try {
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

export async function objectRows(
  bucket: string,
): Promise<{ name: string; owner_id: string | null; metadata: Record<string, unknown> }[]> {
  return sql(
    "select name, owner_id, metadata from storage.objects where bucket_id = $1 order by name",
    [bucket],
  );
}

/** Raw HTTP to /storage/v1, for exact statuses, headers and bodies. */
export async function storageFetch(
  pathname: string,
  init: RequestInit & { token?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token ?? stack().serviceRoleKey;
  if (token) headers.set("authorization", `Bearer ${token}`);
  return fetch(`${stack().apiUrl}/storage/v1${pathname}`, { ...init, headers });
}
