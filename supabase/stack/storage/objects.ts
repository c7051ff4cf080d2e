import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import pg from "pg";
import { findBucketAsAdmin } from "./buckets.ts";
import { ownerColumns, type StorageContext } from "./context.ts";
import type { RequestScope, StorageTransaction } from "./db.ts";
import { errors } from "./errors.ts";
import { transformationSegments, type TransformOptions } from "./image.ts";
import { mustBeAllowedMimeType, mustBeValidKey } from "./limits.ts";
import { uploadBodyOf } from "./upload-body.ts";

export interface ObjectMetadata {
  eTag: string;
  size: number;
  mimetype: string;
  cacheControl: string;
  lastModified: string;
  contentLength: number;
  httpStatusCode: number;
}

export interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  version: string;
  metadata: ObjectMetadata | null;
  user_metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date;
}

/** Which role a statement runs as: the caller's (RLS applies) or the storage admin's. */
export type Acting = "caller" | "admin";

/** Signed upload URLs last two hours, as Supabase documents. */
const signedUploadExpirySeconds = 2 * 60 * 60;

interface NewObjectRow {
  bucket_id: string;
  name: string;
  owner: string | undefined;
  version: string;
  metadata: object | undefined;
  user_metadata: Record<string, unknown> | undefined;
}

/**
 * storage-api's createObject/upsertObject: a plain insert (a duplicate key fails) or an insert
 * that replaces metadata, version and owner of an existing row. Absent values are left out, so
 * an upsert keeps what it does not set.
 */
async function writeObjectRow(
  tx: StorageTransaction,
  acting: Acting,
  row: NewObjectRow,
  upsert: boolean,
): Promise<ObjectRow | undefined> {
  const columns: Record<string, unknown> = {
    bucket_id: row.bucket_id,
    name: row.name,
    ...ownerColumns(row.owner),
    version: row.version,
    metadata: row.metadata,
    user_metadata: row.user_metadata,
  };
  const names = Object.keys(columns).filter(
    (name) => columns[name] !== undefined && columns[name] !== null,
  );
  const updates = names
    .filter((name) => name !== "bucket_id" && name !== "name")
    .map((name) => `${name} = excluded.${name}`);
  const conflict = upsert
    ? `on conflict (name, bucket_id) do update set ${updates.join(", ")}`
    : "";
  const sql = `insert into storage.objects (${names.join(", ")}) values (${names.map((_, i) => `$${i + 1}`).join(", ")}) ${conflict} returning *`;
  try {
    const { rows } = await tx[acting]<ObjectRow>(
      sql,
      names.map((name) => columns[name]),
    );
    return rows[0];
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === "23505")
      throw errors.keyAlreadyExists();
    throw error;
  }
}

/** storage-api's canUpload: would RLS let this caller write the row? Tried, then undone. */
async function mustBeAllowedToWrite(
  tx: StorageTransaction,
  acting: Acting,
  row: Omit<NewObjectRow, "version">,
  upsert: boolean,
): Promise<void> {
  await tx.dryRun(() => writeObjectRow(tx, acting, { ...row, version: "1" }, upsert));
}

export async function findObject(
  tx: StorageTransaction,
  acting: Acting,
  bucket: string,
  name: string,
): Promise<ObjectRow> {
  mustBeValidKey(name);
  const { rows } = await tx[acting]<ObjectRow>(
    "select * from storage.objects where bucket_id = $1 and name = $2",
    [bucket, name],
  );
  if (!rows[0]) throw errors.noSuchKey();
  return rows[0];
}

/** Takes the per-object lock storage-api takes, so concurrent writes of one key apply one after another. */
async function lockObject(tx: StorageTransaction, bucket: string, name: string): Promise<void> {
  await tx.admin("select pg_advisory_xact_lock(hashtext($1))", [`${bucket}/${name}`]);
}

/**
 * Writes a new version's row over whatever the key held, and returns the replaced version so its
 * file can go once the new row is committed.
 */
async function commitVersion(
  tx: StorageTransaction,
  row: NewObjectRow,
): Promise<{ object: ObjectRow; replaced: string | undefined }> {
  await lockObject(tx, row.bucket_id, row.name);
  const { rows } = await tx.admin<{ version: string }>(
    "select version from storage.objects where bucket_id = $1 and name = $2 for update",
    [row.bucket_id, row.name],
  );
  const object = await writeObjectRow(tx, "admin", row, true);
  const previous = rows[0]?.version;
  return { object: object!, replaced: previous !== row.version ? previous : undefined };
}

export interface UploadRequest {
  bucket: string;
  name: string;
  upsert: boolean;
  owner: string | undefined;
  /** Signed upload URLs write as the storage admin: the token already stands for the caller's RLS check. */
  acting: Acting;
}

/**
 * An upload as storage-api does it: bucket limits and MIME types first, then the caller's RLS
 * (tried and undone), then the bytes to a new version's file, then the row. A failure at any step
 * leaves neither a row nor a file.
 */
export async function uploadObject(
  ctx: StorageContext,
  scope: RequestScope,
  req: IncomingMessage,
  upload: UploadRequest,
): Promise<ObjectRow> {
  const bucket = await findBucketAsAdmin(ctx.db, upload.bucket);
  if (!bucket) throw errors.noSuchBucket();
  const body = await uploadBodyOf(req, upload.name, {
    maxBytes: Math.min(ctx.fileSizeLimit, bucket.file_size_limit ?? Infinity),
    allowedMimeTypes: bucket.allowed_mime_types ?? [],
  });
  mustBeValidKey(upload.name);
  const row = {
    bucket_id: upload.bucket,
    name: upload.name,
    owner: upload.owner,
    user_metadata: body.userMetadata,
  };
  await ctx.db.transaction(scope, (tx) =>
    mustBeAllowedToWrite(
      tx,
      upload.acting,
      { ...row, metadata: { mimetype: body.mimeType, contentLength: body.declaredLength } },
      upload.upsert,
    ),
  );

  const location = { bucket: upload.bucket, name: upload.name, version: randomUUID() };
  const stored = await ctx.disk.write(location, body.stream, body.maxBytes);
  try {
    if (body.truncated()) throw errors.entityTooLarge();
    const metadata: ObjectMetadata = {
      eTag: stored.eTag,
      size: stored.size,
      mimetype: body.mimeType,
      cacheControl: body.cacheControl,
      lastModified: new Date().toISOString(),
      contentLength: stored.size,
      httpStatusCode: 200,
    };
    const { object, replaced } = await ctx.db.transaction(scope, (tx) =>
      commitVersion(tx, { ...row, version: location.version, metadata }),
    );
    if (replaced) await ctx.disk.remove({ ...location, version: replaced });
    return object;
  } catch (error) {
    await ctx.disk.remove(location);
    throw error;
  }
}

/** A resumable upload's object, as its Upload-Metadata and headers describe it. */
export interface ResumableObject extends UploadRequest {
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | undefined;
  size: number;
}

/**
 * storage-api's canUpload for a resumable upload, checked when it is created and at every
 * PATCH: the bucket, its MIME types and size limit, and the caller's RLS (tried and undone).
 * Answers the size limit.
 */
export async function mustBeAllowedToUpload(
  ctx: StorageContext,
  scope: RequestScope,
  upload: ResumableObject,
): Promise<number> {
  const bucket = await findBucketAsAdmin(ctx.db, upload.bucket);
  if (!bucket) throw errors.noSuchBucket();
  mustBeValidKey(upload.name);
  if (bucket.allowed_mime_types?.length)
    mustBeAllowedMimeType(upload.mimeType, bucket.allowed_mime_types);
  await ctx.db.transaction(scope, (tx) =>
    mustBeAllowedToWrite(
      tx,
      upload.acting,
      {
        bucket_id: upload.bucket,
        name: upload.name,
        owner: upload.owner,
        user_metadata: upload.userMetadata,
        metadata: { mimetype: upload.mimeType, contentLength: upload.size },
      },
      upload.upsert,
    ),
  );
  return Math.min(ctx.fileSizeLimit, bucket.file_size_limit ?? Infinity);
}

/** A resumable upload's finished file becomes the object's new version, as uploadObject's last step. */
export async function commitResumable(
  ctx: StorageContext,
  scope: RequestScope,
  upload: ResumableObject,
  file: string,
  version: string,
): Promise<ObjectRow> {
  await mustBeAllowedToUpload(ctx, scope, upload);
  const location = { bucket: upload.bucket, name: upload.name, version };
  const stored = await ctx.disk.adopt(location, file);
  try {
    const metadata: ObjectMetadata = {
      eTag: stored.eTag,
      size: stored.size,
      mimetype: upload.mimeType,
      cacheControl: upload.cacheControl,
      lastModified: new Date().toISOString(),
      contentLength: stored.size,
      httpStatusCode: 200,
    };
    const { object, replaced } = await ctx.db.transaction(scope, (tx) =>
      commitVersion(tx, {
        bucket_id: upload.bucket,
        name: upload.name,
        owner: upload.owner,
        user_metadata: upload.userMetadata,
        version,
        metadata,
      }),
    );
    if (replaced) await ctx.disk.remove({ ...location, version: replaced });
    return object;
  } catch (error) {
    await ctx.disk.remove(location);
    throw error;
  }
}

export async function deleteObject(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  name: string,
): Promise<void> {
  const deleted = await ctx.db.transaction(scope, async (tx) => {
    const { rows } = await tx.admin(
      "select id from storage.objects where bucket_id = $1 and name = $2 for update",
      [bucket, name],
    );
    if (!rows[0]) throw errors.noSuchKey();
    const result = await tx.caller<{ version: string }>(
      "delete from storage.objects where bucket_id = $1 and name = $2 returning version",
      [bucket, name],
    );
    if (!result.rows[0]) throw errors.accessDenied("Access denied");
    return result.rows[0];
  });
  await ctx.disk.remove({ bucket, name, version: deleted.version });
}

/** Deletes what the caller's RLS lets it among `names`; the rest is silently kept, as on Supabase. */
export async function deleteObjects(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  names: string[],
): Promise<ObjectRow[]> {
  const { rows } = await ctx.db.transaction(scope, (tx) =>
    tx.caller<ObjectRow>(
      "delete from storage.objects where bucket_id = $1 and name = any($2) returning *",
      [bucket, names],
    ),
  );
  await ctx.disk.removeAll(bucket, rows);
  return rows;
}

export interface Transfer {
  bucketId: string;
  sourceKey: string;
  destinationBucket: string;
  destinationKey: string;
}

/** Renames an object (possibly into another bucket) if RLS lets the caller read and update it. */
export async function moveObject(
  ctx: StorageContext,
  scope: RequestScope,
  move: Transfer,
): Promise<ObjectRow> {
  mustBeValidKey(move.destinationKey);
  const target = {
    bucket: move.destinationBucket,
    name: move.destinationKey,
    version: randomUUID(),
  };
  let source: ObjectRow | undefined;
  try {
    const moved = await ctx.db.transaction(scope, async (tx) => {
      source = await findObject(tx, "caller", move.bucketId, move.sourceKey);
      if (move.bucketId === move.destinationBucket && move.sourceKey === move.destinationKey)
        return source;
      await lockObject(tx, move.destinationBucket, move.destinationKey);
      const { rows } = await tx.caller<ObjectRow>(
        "update storage.objects set bucket_id = $3, name = $4, version = $5, owner = $6, owner_id = $7 where bucket_id = $1 and name = $2 returning *",
        [
          move.bucketId,
          move.sourceKey,
          target.bucket,
          target.name,
          target.version,
          ...Object.values(ownerColumns(scope.caller.owner)),
        ],
      );
      if (!rows[0]) throw errors.noSuchKey();
      await ctx.disk.copy(
        { bucket: move.bucketId, name: move.sourceKey, version: source.version },
        target,
      );
      return rows[0];
    });
    if (moved !== source)
      await ctx.disk.remove({
        bucket: move.bucketId,
        name: move.sourceKey,
        version: source!.version,
      });
    return moved;
  } catch (error) {
    await ctx.disk.remove(target);
    throw error;
  }
}

export interface CopyRequest extends Transfer {
  upsert: boolean;
  /** True (the default) keeps the source's metadata; false takes `metadata` and `userMetadata`. */
  copyMetadata: boolean;
  metadata: { cacheControl?: string; mimetype?: string } | undefined;
  userMetadata: Record<string, unknown> | undefined;
}

/** Copies an object the caller can read to a key RLS lets it write. */
export async function copyObject(
  ctx: StorageContext,
  scope: RequestScope,
  copy: CopyRequest,
): Promise<ObjectRow> {
  mustBeValidKey(copy.destinationKey);
  const target = {
    bucket: copy.destinationBucket,
    name: copy.destinationKey,
    version: randomUUID(),
  };
  try {
    const { object, replaced } = await ctx.db.transaction(scope, async (tx) => {
      const source = await findObject(tx, "caller", copy.bucketId, copy.sourceKey);
      const metadata: Record<string, unknown> = { ...source.metadata };
      if (!copy.copyMetadata) {
        if (copy.metadata?.cacheControl !== undefined)
          metadata.cacheControl = copy.metadata.cacheControl;
        if (copy.metadata?.mimetype !== undefined) metadata.mimetype = copy.metadata.mimetype;
      }
      const row = {
        bucket_id: copy.destinationBucket,
        name: copy.destinationKey,
        owner: scope.caller.owner,
        metadata: { ...metadata, lastModified: new Date().toISOString() },
        user_metadata: (copy.copyMetadata ? source.user_metadata : copy.userMetadata) ?? undefined,
      };
      await mustBeAllowedToWrite(tx, "caller", row, copy.upsert);
      await ctx.disk.copy(
        { bucket: copy.bucketId, name: copy.sourceKey, version: source.version },
        target,
      );
      return commitVersion(tx, { ...row, version: target.version });
    });
    if (replaced) await ctx.disk.remove({ ...target, version: replaced });
    return object;
  } catch (error) {
    await ctx.disk.remove(target);
    throw error;
  }
}

export interface SearchOptions {
  prefix: string;
  limit?: number;
  offset?: number;
  search?: string;
  sortBy?: { column: string; order?: string };
}

/** storage-js `list()`: one folder level under a prefix, through storage.search as the caller. */
export async function searchObjects(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  options: SearchOptions,
): Promise<unknown[]> {
  // The prefix is always a folder.
  const prefix =
    options.prefix.length > 0 && !options.prefix.endsWith("/")
      ? `${options.prefix}/`
      : options.prefix;
  const column = options.sortBy?.column ?? "name";
  // storage.search matches by name with plain prefixes; timestamp sorts take LIKE-escaped ones.
  const escape = (text: string) => (column === "name" ? text : text.replace(/[\\%_]/g, "\\$&"));
  const search = escape(options.search ?? "");
  const { rows } = await ctx.db.transaction(scope, (tx) =>
    tx.caller("select * from storage.search($1, $2, $3, $4, $5, $6, $7, $8)", [
      escape(prefix),
      bucket,
      options.limit || 100,
      (escape(prefix) + search).split("/").length,
      options.offset || 0,
      search,
      column,
      options.sortBy?.order ?? "asc",
    ]),
  );
  return rows;
}

export interface ListV2Options {
  prefix?: string;
  limit?: number;
  cursor?: string;
  withDelimiter?: boolean;
  sortBy?: { column: "name" | "created_at" | "updated_at"; order?: "asc" | "desc" };
}

interface ListV2Cursor {
  startAfter: string;
  sortColumnAfter?: string;
}

/** storage-api's continuation token: base64 of `l:<last name>` and `a:<last sort value>` lines. */
function encodeCursor(cursor: ListV2Cursor): string {
  const lines = [`l:${cursor.startAfter}`];
  if (cursor.sortColumnAfter) lines.push(`a:${cursor.sortColumnAfter}`);
  return Buffer.from(lines.join("\n")).toString("base64");
}

function decodeCursor(token: string): ListV2Cursor {
  const cursor: ListV2Cursor = { startAfter: "" };
  for (const line of Buffer.from(token, "base64").toString().split("\n")) {
    const match = /^(\S):(.*)$/.exec(line);
    if (!match) throw errors.invalidParameter("continuation token");
    if (match[1] === "l") cursor.startAfter = match[2]!;
    else if (match[1] === "a") cursor.sortColumnAfter = match[2]!;
  }
  return cursor;
}

interface ListedRow {
  name: string;
  id: string | null;
  metadata: unknown;
  updated_at: Date | null;
  created_at: Date | null;
  last_accessed_at: Date | null;
}

/** storage-js `listV2()`: keys under a prefix, one level when `with_delimiter`, paged by cursor. */
export async function listObjectsV2(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  options: ListV2Options,
) {
  const limit = Math.min(options.limit || 1000, 1000);
  const prefix = options.prefix ?? "";
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  const column = options.sortBy?.column ?? "name";
  const order = options.sortBy?.order === "desc" ? "desc" : "asc";
  const rows = await ctx.db.transaction(scope, async (tx) => {
    if (options.withDelimiter) {
      const levels = prefix ? prefix.split("/").length : 1;
      return (
        await tx.caller<ListedRow>(
          // storage-api answers search_v2's rows whole: `key` is the entry's own name at its level.
          "select key, name, id, updated_at, created_at, last_accessed_at, metadata from storage.search_v2($1, $2, $3, $4, $5, $6, $7, $8)",
          [
            prefix,
            bucket,
            limit + 1,
            levels,
            cursor?.startAfter ?? "",
            order,
            column,
            cursor?.sortColumnAfter ?? "",
          ],
        )
      ).rows;
    }
    const values: unknown[] = [bucket, limit + 1];
    const conditions = ["bucket_id = $1"];
    if (prefix) {
      values.push(`${prefix.replace(/[\\%_]/g, "\\$&")}%`);
      conditions.push(`name like $${values.length}`);
    }
    const sortColumn = column === "name" ? undefined : column;
    const after = order === "asc" ? ">" : "<";
    if (cursor && sortColumn && cursor.sortColumnAfter) {
      values.push(cursor.sortColumnAfter, cursor.startAfter);
      conditions.push(
        `(date_trunc('milliseconds', ${sortColumn}), name collate "C") ${after} ($${values.length - 1}::timestamptz, $${values.length})`,
      );
    } else if (cursor) {
      values.push(cursor.startAfter);
      conditions.push(`name collate "C" ${after} $${values.length}`);
    }
    return (
      await tx.caller<ListedRow>(
        `select name, id, metadata, updated_at, created_at, last_accessed_at from storage.objects where ${conditions.join(" and ")}
         order by ${sortColumn ? `${sortColumn} ${order}, ` : ""}name collate "C" ${order} limit $2`,
        values,
      )
    ).rows;
  });
  const hasNext = rows.length > limit;
  const page = rows.slice(0, limit);
  const folders = page
    .filter((row) => row.id === null)
    .map((row) => ({ ...row, name: row.name.endsWith("/") ? row.name : `${row.name}/` }));
  const objects = page.filter((row) => row.id !== null);
  const last = page[page.length - 1];
  const lastSort = last && column !== "name" ? last[column] : null;
  return {
    hasNext,
    nextCursor:
      hasNext && last
        ? encodeCursor({
            startAfter: last.name,
            sortColumnAfter: lastSort ? new Date(lastSort).toISOString() : undefined,
          })
        : undefined,
    nextCursorKey: hasNext ? last?.name : undefined,
    folders,
    objects,
  };
}

/** The path of a signed download URL for one object, as storage-api answers it. */
/** A signed download path; one carrying an image transformation is served by /render/image/sign. */
async function signedDownloadPath(
  ctx: StorageContext,
  bucket: string,
  name: string,
  expiresIn: number,
  transformations = "",
): Promise<string> {
  const token = await ctx.signer.signDownload(`${bucket}/${name}`, expiresIn, transformations);
  return `/${transformations ? "render/image" : "object"}/sign/${bucket}/${name}?token=${token}`;
}

export async function signObjectUrl(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  name: string,
  expiresIn: number,
  transform: TransformOptions = {},
): Promise<string> {
  await ctx.db.transaction(scope, (tx) => findObject(tx, "caller", bucket, name));
  return signedDownloadPath(
    ctx,
    bucket,
    name,
    expiresIn,
    transformationSegments(transform, true).join(","),
  );
}

export async function signObjectUrls(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  paths: string[],
  expiresIn: number,
) {
  const { rows } = await ctx.db.transaction(scope, (tx) =>
    tx.caller<{ name: string }>(
      "select name from storage.objects where bucket_id = $1 and name = any($2::text[])",
      [bucket, paths],
    ),
  );
  const visible = new Set(rows.map((row) => row.name));
  return Promise.all(
    paths.map(async (path) =>
      visible.has(path)
        ? { error: null, path, signedURL: await signedDownloadPath(ctx, bucket, path, expiresIn) }
        : {
            error: "Either the object does not exist or you do not have access to it",
            path,
            signedURL: null,
          },
    ),
  );
}

/** A token for uploading one key later without a JWT, issued if RLS would let the caller write it now. */
export async function signUploadUrl(
  ctx: StorageContext,
  scope: RequestScope,
  bucket: string,
  name: string,
  upsert: boolean,
) {
  mustBeValidKey(name);
  const owner = scope.caller.owner;
  await ctx.db.transaction(scope, (tx) =>
    mustBeAllowedToWrite(
      tx,
      "caller",
      { bucket_id: bucket, name, owner, metadata: undefined, user_metadata: undefined },
      upsert,
    ),
  );
  const url = `${bucket}/${name}`;
  const token = await ctx.signer.signUpload(url, signedUploadExpirySeconds, owner, upsert);
  return { url: `/object/upload/sign/${url}?token=${token}`, token };
}
