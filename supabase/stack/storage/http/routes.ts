import { z } from "zod";
import { sendJson } from "../../http/json.ts";
import {
  createBucket,
  deleteBucket,
  emptyBucket,
  getBucket,
  listBuckets,
  findBucketAsAdmin,
  updateBucket,
} from "../buckets.ts";
import type { StorageContext } from "../context.ts";
import { errors } from "../errors.ts";
import { mustBeValidBucketName, mustBeValidExpiry } from "../limits.ts";
import {
  copyObject,
  deleteObject,
  deleteObjects,
  findObject,
  listObjectsV2,
  moveObject,
  searchObjects,
  signObjectUrl,
  signObjectUrls,
  signUploadUrl,
  uploadObject,
  type Acting,
  type ObjectRow,
} from "../objects.ts";
import { decodeMetadataHeader } from "../upload-body.ts";
import { jsonBody } from "./body.ts";
import { ResumableUploads } from "../resumable.ts";
import { transformationsFromString, transformOptionsFromQuery } from "../image.ts";
import { sendObject, sendObjectHead, sendObjectInfo, sendRendered } from "./download.ts";
import type { Call, Route } from "./router.ts";

const fileSizeLimit = z.union([
  z.number().int().min(0),
  z.string().regex(/^[0-9]+(?:\.[0-9]+)?(?:[gG][bB]|[mM][bB]|[kK][bB]|[bB])$/),
  z.null(),
]);
const bucketSettings = {
  public: z.boolean().optional(),
  file_size_limit: fileSizeLimit.optional(),
  allowed_mime_types: z.array(z.string()).nullable().optional(),
};
const createBucketBody = z
  .object({
    name: z.string(),
    id: z.string().optional(),
    type: z.enum(["STANDARD", "ANALYTICS"]).optional(),
    ...bucketSettings,
  })
  .loose();
const updateBucketBody = z.object(bucketSettings).loose();
const transferBody = z
  .object({
    bucketId: z.string(),
    sourceKey: z.string(),
    destinationKey: z.string(),
    destinationBucket: z.string().optional(),
  })
  .loose();
const copyBody = transferBody.extend({
  copyMetadata: z.boolean().optional(),
  metadata: z
    .object({ cacheControl: z.string().optional(), mimetype: z.string().optional() })
    .optional(),
});
const sortBy = <T extends readonly [string, ...string[]]>(columns: T) =>
  z.object({ column: z.enum(columns), order: z.enum(["asc", "desc"]).optional() }).optional();
const listBody = z
  .object({
    prefix: z.string(),
    limit: z.number().int().min(1).optional(),
    offset: z.number().int().min(0).optional(),
    sortBy: sortBy(["name", "updated_at", "created_at", "last_accessed_at"] as const),
    search: z.string().optional(),
  })
  .loose();
const listV2Body = z
  .object({
    prefix: z.string().optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    cursor: z.string().optional(),
    with_delimiter: z.boolean().optional(),
    sortBy: sortBy(["name", "updated_at", "created_at"] as const),
  })
  .loose();
const transformBody = z
  .object({
    width: z.number().int().min(0).optional(),
    height: z.number().int().min(0).optional(),
    resize: z.enum(["cover", "contain", "fill"]).optional(),
    format: z.enum(["origin", "avif", "webp"]).optional(),
    quality: z.number().int().min(20).max(100).optional(),
  })
  .loose();
const signBody = z.object({ expiresIn: z.number(), transform: transformBody.optional() }).loose();
const signManyBody = z
  .object({ expiresIn: z.number(), paths: z.array(z.string()).min(1).max(1000) })
  .loose();
const removeBody = z.object({ prefixes: z.array(z.string()).min(1).max(1000) }).loose();
const listBucketsQuery = z.object({
  limit: z.coerce.number().int().min(1).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  sortColumn: z.enum(["id", "name", "created_at", "updated_at"]).optional(),
  sortOrder: z.enum(["asc", "desc"]).optional(),
  search: z.string().optional(),
});

/** `?download` or `?download=name`, as storage-js's download option sends it. */
function downloadParam(url: URL): string | null {
  return url.searchParams.get("download");
}

/**
 * storage-api's authenticated download and info: a bucket the caller may not see reads as
 * missing; objects of public buckets need no policy, others are read through the caller's RLS.
 */
async function readableObject(
  ctx: StorageContext,
  call: Call,
  options: { publicRoute: boolean },
): Promise<ObjectRow> {
  const { bucket, name } = call.params;
  mustBeValidBucketName(bucket);
  return ctx.db.transaction(call.scope, async (tx) => {
    const found = await findBucketAsAdmin(tx, bucket);
    if (!found || (!call.scope.caller.isAuthenticated && !found.public))
      throw errors.noSuchBucket();
    if (options.publicRoute && !found.public) throw errors.noSuchBucket();
    const acting: Acting = found.public ? "admin" : "caller";
    return findObject(tx, acting, bucket, name);
  });
}

/** Every route of /storage/v1 that storage-js calls, in Fastify's matching order. */
export function storageRoutes(ctx: StorageContext): Route[] {
  const download = (publicRoute: boolean) => async (call: Call) =>
    sendObject(call.req, call.res, ctx.disk, await readableObject(ctx, call, { publicRoute }), {
      download: downloadParam(call.url),
    });
  const render = (publicRoute: boolean) => async (call: Call) => {
    const transform = transformOptionsFromQuery(call.url.searchParams);
    await sendRendered(
      call.req,
      call.res,
      ctx.disk,
      await readableObject(ctx, call, { publicRoute }),
      transform,
      { download: downloadParam(call.url) },
    );
  };
  const head = (publicRoute: boolean) => async (call: Call) =>
    sendObjectHead(call.res, await readableObject(ctx, call, { publicRoute }));
  const info = (publicRoute: boolean) => async (call: Call) =>
    sendObjectInfo(call.res, await readableObject(ctx, call, { publicRoute }));
  const upload = (upsert: (call: Call) => boolean) => async (call: Call) => {
    mustBeValidBucketName(call.params.bucket);
    const row = await uploadObject(ctx, call.scope, call.req, {
      bucket: call.params.bucket,
      name: call.params.name,
      upsert: upsert(call),
      owner: call.scope.caller.owner,
      acting: "caller",
    });
    sendJson(call.res, 200, { Id: row.id, Key: `${row.bucket_id}/${row.name}` });
  };

  // Fastify answers HEAD of a signed URL with this GET handler: ranges apply, the bytes are left out.
  const signedDownload = async (call: Call) => {
    const { bucket, name } = call.params;
    const token = await ctx.signer.verifyDownload(
      call.url.searchParams.get("token") ?? "",
      `${bucket}/${name}`,
    );
    const row = await ctx.db.transaction(call.scope, (tx) => findObject(tx, "admin", bucket, name));
    await sendObject(call.req, call.res, ctx.disk, row, {
      download: downloadParam(call.url),
      expires: new Date(token.exp * 1000),
    });
  };

  const resumable = new ResumableUploads(ctx, ctx.resumableDir);
  const tus =
    (withId: boolean, signed = false) =>
    (call: Call) =>
      resumable.handle(
        call.req,
        call.res,
        call.scope,
        withId ? call.params.name : undefined,
        signed,
      );

  const routes: Route[] = [
    // Resumable uploads (TUS); the signed ones, authorized by `x-signature`, match first.
    {
      method: "POST",
      path: "/upload/resumable/sign",
      auth: "none",
      operation: "storage.tus.upload.create_signed",
      handle: tus(false, true),
    },
    ...(["HEAD", "PATCH", "DELETE"] as const).map((method): Route => ({
      method,
      path: "/upload/resumable/sign/*",
      auth: "none",
      operation: `storage.tus.upload.${method === "HEAD" ? "get" : method === "PATCH" ? "part" : "delete"}_signed`,
      handle: tus(true, true),
    })),
    {
      method: "POST",
      path: "/upload/resumable",
      auth: "jwt",
      operation: "storage.tus.upload.create",
      handle: tus(false),
    },
    {
      method: "HEAD",
      path: "/upload/resumable/*",
      auth: "jwt",
      operation: "storage.tus.upload.get",
      handle: tus(true),
    },
    {
      method: "PATCH",
      path: "/upload/resumable/*",
      auth: "jwt",
      operation: "storage.tus.upload.part",
      handle: tus(true),
    },
    {
      method: "DELETE",
      path: "/upload/resumable/*",
      auth: "jwt",
      operation: "storage.tus.upload.delete",
      handle: tus(true),
    },

    // Buckets
    {
      method: "GET",
      path: "/bucket",
      auth: "jwt",
      operation: "storage.bucket.list",
      async handle(call) {
        const query = listBucketsQuery.safeParse(Object.fromEntries(call.url.searchParams));
        if (!query.success)
          throw errors.invalidRequest(
            `querystring/${query.error.issues[0]!.path.join("/")} ${query.error.issues[0]!.message}`,
          );
        sendJson(call.res, 200, await listBuckets(ctx, call.scope, query.data));
      },
    },
    {
      method: "GET",
      path: "/bucket/:id",
      auth: "jwt",
      operation: "storage.bucket.get",
      async handle(call) {
        sendJson(call.res, 200, await getBucket(ctx, call.scope, call.params.bucket));
      },
    },
    {
      method: "POST",
      path: "/bucket",
      auth: "jwt",
      operation: "storage.bucket.create",
      async handle(call) {
        const body = await jsonBody(call.req, createBucketBody);
        if (body.type === "ANALYTICS")
          throw errors.featureNotEnabled("Iceberg buckets are not enabled for this tenant");
        await createBucket(ctx, call.scope, body);
        sendJson(call.res, 200, { name: body.name });
      },
    },
    {
      method: "PUT",
      path: "/bucket/:id",
      auth: "jwt",
      operation: "storage.bucket.update",
      async handle(call) {
        await updateBucket(
          ctx,
          call.scope,
          call.params.bucket,
          await jsonBody(call.req, updateBucketBody),
        );
        sendJson(call.res, 200, { message: "Successfully updated" });
      },
    },
    {
      method: "DELETE",
      path: "/bucket/:id",
      auth: "jwt",
      operation: "storage.bucket.delete",
      async handle(call) {
        await deleteBucket(ctx, call.scope, call.params.bucket);
        sendJson(call.res, 200, { message: "Successfully deleted" });
      },
    },
    {
      method: "POST",
      path: "/bucket/:id/empty",
      auth: "jwt",
      operation: "storage.bucket.empty",
      async handle(call) {
        if (call.scope.caller.role !== "service_role")
          throw errors.accessDenied("Access denied: Invalid role", 403);
        await emptyBucket(ctx, call.scope, call.params.bucket);
        sendJson(call.res, 200, {
          message: "Empty bucket has been queued. Completion may take up to an hour.",
        });
      },
    },

    // Objects: fixed paths first
    {
      method: "POST",
      path: "/object/move",
      auth: "jwt",
      operation: "storage.object.move",
      async handle(call) {
        const body = await jsonBody(call.req, transferBody);
        const moved = await moveObject(ctx, call.scope, {
          ...body,
          destinationBucket: body.destinationBucket || body.bucketId,
        });
        sendJson(call.res, 200, { message: "Successfully moved", Id: moved.id, Key: moved.name });
      },
    },
    {
      method: "POST",
      path: "/object/copy",
      auth: "jwt",
      operation: "storage.object.copy",
      async handle(call) {
        const body = await jsonBody(call.req, copyBody);
        const destinationBucket = body.destinationBucket || body.bucketId;
        const copied = await copyObject(ctx, call.scope, {
          ...body,
          destinationBucket,
          upsert: call.req.headers["x-upsert"] === "true",
          copyMetadata: body.copyMetadata ?? true,
          metadata: body.metadata,
          userMetadata: decodeMetadataHeader(call.req.headers["x-metadata"]),
        });
        sendJson(call.res, 200, {
          Id: copied.id,
          Key: `${destinationBucket}/${body.destinationKey}`,
          ...copied,
        });
      },
    },
    {
      method: "POST",
      path: "/object/list/:bucket",
      auth: "jwt",
      operation: "storage.object.list",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        sendJson(
          call.res,
          200,
          await searchObjects(
            ctx,
            call.scope,
            call.params.bucket,
            await jsonBody(call.req, listBody),
          ),
        );
      },
    },
    {
      method: "POST",
      path: "/object/list-v2/:bucket",
      auth: "jwt",
      operation: "storage.object.list_v2",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        const body = await jsonBody(call.req, listV2Body);
        sendJson(
          call.res,
          200,
          await listObjectsV2(ctx, call.scope, call.params.bucket, {
            ...body,
            withDelimiter: body.with_delimiter,
          }),
        );
      },
    },
    {
      method: "POST",
      path: "/object/sign/:bucket",
      auth: "jwt",
      operation: "storage.object.sign_many",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        const body = await jsonBody(call.req, signManyBody);
        sendJson(
          call.res,
          200,
          await signObjectUrls(
            ctx,
            call.scope,
            call.params.bucket,
            body.paths,
            mustBeValidExpiry(body.expiresIn),
          ),
        );
      },
    },
    {
      method: "POST",
      path: "/object/sign/:bucket/*",
      auth: "jwt",
      operation: "storage.object.sign",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        const body = await jsonBody(call.req, signBody);
        const signedURL = await signObjectUrl(
          ctx,
          call.scope,
          call.params.bucket,
          call.params.name,
          mustBeValidExpiry(body.expiresIn),
          ctx.imageTransformation ? body.transform : undefined,
        );
        sendJson(call.res, 200, { signedURL });
      },
    },
    ...(["GET", "HEAD"] as const).map((method): Route => ({
      method,
      path: "/object/sign/:bucket/*",
      auth: "none",
      operation: "storage.object.get_signed",
      handle: signedDownload,
    })),
    // Image transformations (dropped below when disabled)
    {
      method: "GET",
      path: "/render/image/public/:bucket/*",
      auth: "none",
      operation: "storage.render.image_public",
      handle: render(true),
    },
    {
      method: "GET",
      path: "/render/image/authenticated/:bucket/*",
      auth: "jwt",
      operation: "storage.render.image_authenticated",
      handle: render(false),
    },
    {
      method: "GET",
      path: "/render/image/sign/:bucket/*",
      auth: "none",
      operation: "storage.render.image_sign",
      async handle(call) {
        const { bucket, name } = call.params;
        const token = await ctx.signer.verifyDownload(
          call.url.searchParams.get("token") ?? "",
          `${bucket}/${name}`,
        );
        const row = await ctx.db.transaction(call.scope, (tx) =>
          findObject(tx, "admin", bucket, name),
        );
        await sendRendered(
          call.req,
          call.res,
          ctx.disk,
          row,
          transformationsFromString(token.transformations ?? ""),
          { download: downloadParam(call.url), expires: new Date(token.exp * 1000) },
        );
      },
    },
    {
      method: "POST",
      path: "/object/upload/sign/:bucket/*",
      auth: "jwt",
      operation: "storage.object.sign_upload_url",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        sendJson(
          call.res,
          200,
          await signUploadUrl(
            ctx,
            call.scope,
            call.params.bucket,
            call.params.name,
            call.req.headers["x-upsert"] === "true",
          ),
        );
      },
    },
    {
      method: "PUT",
      path: "/object/upload/sign/:bucket/*",
      auth: "none",
      operation: "storage.object.upload_signed",
      async handle(call) {
        const { bucket, name } = call.params;
        mustBeValidBucketName(bucket);
        const token = await ctx.signer.verifyUpload(
          call.url.searchParams.get("token") ?? "",
          `${bucket}/${name}`,
        );
        const row = await uploadObject(ctx, call.scope, call.req, {
          bucket,
          name,
          upsert: token.upsert,
          owner: token.owner,
          acting: "admin",
        });
        sendJson(call.res, 200, { Key: `${row.bucket_id}/${row.name}` });
      },
    },
    {
      method: "GET",
      path: "/object/public/:bucket/*",
      auth: "none",
      operation: "storage.object.get_public",
      handle: download(true),
    },
    {
      method: "HEAD",
      path: "/object/public/:bucket/*",
      auth: "none",
      operation: "storage.object.info_public",
      handle: head(true),
    },
    {
      method: "GET",
      path: "/object/info/public/:bucket/*",
      auth: "none",
      operation: "storage.object.info_public",
      handle: info(true),
    },
    {
      method: "GET",
      path: "/object/info/authenticated/:bucket/*",
      auth: "jwt",
      operation: "object.get_authenticated_info",
      handle: info(false),
    },
    {
      method: "GET",
      path: "/object/info/:bucket/*",
      auth: "optional",
      operation: "object.get_authenticated_info",
      handle: info(false),
    },
    {
      method: "GET",
      path: "/object/authenticated/:bucket/*",
      auth: "jwt",
      operation: "storage.object.get_authenticated",
      handle: download(false),
    },
    {
      method: "HEAD",
      path: "/object/authenticated/:bucket/*",
      auth: "jwt",
      operation: "object.head_authenticated_info",
      handle: head(false),
    },

    // Objects by bucket and name
    {
      method: "GET",
      path: "/object/:bucket/*",
      auth: "optional",
      operation: "storage.object.get_authenticated",
      handle: download(false),
    },
    {
      method: "HEAD",
      path: "/object/:bucket/*",
      auth: "optional",
      operation: "object.head_authenticated_info",
      handle: head(false),
    },
    {
      method: "POST",
      path: "/object/:bucket/*",
      auth: "jwt",
      operation: "storage.object.upload",
      handle: upload((call) => call.req.headers["x-upsert"] === "true"),
    },
    {
      method: "PUT",
      path: "/object/:bucket/*",
      auth: "jwt",
      operation: "storage.object.upload_update",
      handle: upload(() => true),
    },
    {
      method: "DELETE",
      path: "/object/:bucket/*",
      auth: "jwt",
      operation: "storage.object.delete",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        await deleteObject(ctx, call.scope, call.params.bucket, call.params.name);
        sendJson(call.res, 200, { message: "Successfully deleted" });
      },
    },
    {
      method: "DELETE",
      path: "/object/:bucket",
      auth: "jwt",
      operation: "storage.object.delete_many",
      async handle(call) {
        mustBeValidBucketName(call.params.bucket);
        const body = await jsonBody(call.req, removeBody);
        sendJson(
          call.res,
          200,
          await deleteObjects(ctx, call.scope, call.params.bucket, body.prefixes),
        );
      },
    },
  ];
  // Without `[storage.image_transformation] enabled` storage-api registers no render route.
  return ctx.imageTransformation ? routes : routes.filter((r) => !r.path.startsWith("/render/"));
}
