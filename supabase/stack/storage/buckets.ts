import pg from "pg";
import { ownerColumns, type StorageContext } from "./context.ts";
import type { RequestScope, StorageDb, StorageTransaction } from "./db.ts";
import { errors } from "./errors.ts";
import { mustBeValidBucketName, mustBeValidMimeTypes, parseFileSizeToBytes } from "./limits.ts";

export interface Bucket {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
  created_at: Date;
  updated_at: Date;
  type?: string;
}

const bucketColumns =
  "id, name, owner, public, created_at, updated_at, file_size_limit, allowed_mime_types";

/** bigint comes back from pg as a string; storage-api answers a number. */
function withNumericLimit(row: Bucket): Bucket {
  return {
    ...row,
    file_size_limit: row.file_size_limit === null ? null : Number(row.file_size_limit),
  };
}

/** A bucket as the storage admin sees it (RLS does not apply), or undefined. */
export async function findBucketAsAdmin(
  db: StorageTransaction | StorageDb,
  id: string,
): Promise<Bucket | undefined> {
  const { rows } = await db.admin<Bucket>(
    `select ${bucketColumns} from storage.buckets where id = $1`,
    [id],
  );
  return rows[0] && withNumericLimit(rows[0]);
}

export interface ListBucketsOptions {
  limit?: number;
  offset?: number;
  sortColumn?: "id" | "name" | "created_at" | "updated_at";
  sortOrder?: "asc" | "desc";
  search?: string;
}

export async function listBuckets(
  ctx: StorageContext,
  scope: RequestScope,
  options: ListBucketsOptions,
): Promise<Bucket[]> {
  const values: unknown[] = [];
  let where = "";
  if (options.search) {
    values.push(`%${options.search.replace(/[\\%_]/g, "\\$&")}%`);
    where = `where name ilike $${values.length}`;
  }
  const order = options.sortColumn
    ? `order by ${options.sortColumn} ${options.sortOrder === "desc" ? "desc" : "asc"}`
    : "";
  let page = "";
  if (options.limit !== undefined) page += ` limit ${options.limit}`;
  if (options.offset !== undefined) page += ` offset ${options.offset}`;
  const { rows } = await ctx.db.transaction(scope, (tx) =>
    tx.caller<Bucket>(
      `select ${bucketColumns}, type from storage.buckets ${where} ${order} ${page}`,
      values,
    ),
  );
  return rows.map(withNumericLimit);
}

export async function getBucket(
  ctx: StorageContext,
  scope: RequestScope,
  id: string,
): Promise<Bucket> {
  mustBeValidBucketName(id);
  const { rows } = await ctx.db.transaction(scope, (tx) =>
    tx.caller<Bucket>(`select ${bucketColumns} from storage.buckets where id = $1`, [id]),
  );
  if (!rows[0]) throw errors.noSuchBucket();
  return withNumericLimit(rows[0]);
}

export interface BucketSettings {
  public?: boolean;
  file_size_limit?: number | string | null;
  allowed_mime_types?: string[] | null;
}

/** Limits as storage-api stores them: sizes in bytes, at most the project's limit; empty MIME entries dropped. */
function bucketColumnsFrom(ctx: StorageContext, settings: BucketSettings): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (settings.public !== undefined) columns.public = settings.public;
  if (settings.file_size_limit !== undefined) {
    const limit =
      typeof settings.file_size_limit === "string"
        ? parseFileSizeToBytes(settings.file_size_limit)
        : settings.file_size_limit;
    if (limit !== null && limit > ctx.fileSizeLimit) throw errors.entityTooLarge();
    columns.file_size_limit = limit;
  }
  if (settings.allowed_mime_types !== undefined) {
    const types = settings.allowed_mime_types?.filter((type) => type) ?? null;
    if (types) mustBeValidMimeTypes(types);
    columns.allowed_mime_types = types;
  }
  return columns;
}

export async function createBucket(
  ctx: StorageContext,
  scope: RequestScope,
  input: BucketSettings & { id?: string; name: string },
): Promise<void> {
  if (input.name.trim() !== input.name) throw errors.invalidBucketName();
  mustBeValidBucketName(input.name);
  const columns = {
    id: input.id || input.name,
    name: input.name,
    ...ownerColumns(scope.caller.owner),
    public: false,
    ...bucketColumnsFrom(ctx, input),
  };
  const names = Object.keys(columns);
  try {
    await ctx.db.transaction(scope, (tx) =>
      tx.caller(
        `insert into storage.buckets (${names.join(", ")}) values (${names.map((_, i) => `$${i + 1}`).join(", ")})`,
        Object.values(columns),
      ),
    );
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === "23505")
      throw errors.bucketAlreadyExists();
    throw error;
  }
}

export async function updateBucket(
  ctx: StorageContext,
  scope: RequestScope,
  id: string,
  settings: BucketSettings,
): Promise<void> {
  mustBeValidBucketName(id);
  const columns = bucketColumnsFrom(ctx, settings);
  const names = Object.keys(columns);
  if (names.length === 0) throw errors.noContentProvided();
  const { rowCount } = await ctx.db.transaction(scope, (tx) =>
    tx.caller(
      `update storage.buckets set ${names.map((name, i) => `${name} = $${i + 1}`).join(", ")} where id = $${names.length + 1}`,
      [...Object.values(columns), id],
    ),
  );
  if (!rowCount) throw errors.noSuchBucket();
}

/** Only an empty bucket is deleted; the caller's RLS decides whether it may be. */
export async function deleteBucket(
  ctx: StorageContext,
  scope: RequestScope,
  id: string,
): Promise<void> {
  mustBeValidBucketName(id);
  await ctx.db.transaction(scope, async (tx) => {
    const { rows } = await tx.admin("select id from storage.buckets where id = $1 for update", [
      id,
    ]);
    if (!rows[0]) throw errors.noSuchBucket();
    const objects = await tx.admin("select 1 from storage.objects where bucket_id = $1 limit 1", [
      id,
    ]);
    if (objects.rows.length > 0) throw errors.bucketNotEmpty();
    const { rowCount } = await tx.caller("delete from storage.buckets where id = $1", [id]);
    if (!rowCount) throw errors.noSuchBucket();
  });
  await ctx.disk.removeBucketFolder(id);
}

/**
 * Deletes every object of a bucket. storage-api queues this (service role only) and answers at
 * once; here it is done before the answer, which keeps the same message.
 */
export async function emptyBucket(
  ctx: StorageContext,
  scope: RequestScope,
  id: string,
): Promise<void> {
  mustBeValidBucketName(id);
  const removed = await ctx.db.transaction(scope, async (tx) => {
    const { rows } = await tx.caller("select id from storage.buckets where id = $1", [id]);
    if (!rows[0]) throw errors.noSuchBucket();
    return (
      await tx.admin<{ name: string; version: string }>(
        "delete from storage.objects where bucket_id = $1 returning name, version",
        [id],
      )
    ).rows;
  });
  await ctx.disk.removeAll(id, removed);
}
