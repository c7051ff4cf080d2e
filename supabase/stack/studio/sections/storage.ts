/**
 * Storage, as the dashboard's Storage page: buckets and their settings, folders to browse, upload,
 * download, delete and a signed URL to copy, all through the storage API with the service key
 * (here on the server), so what the console does is what storage-api allows and records.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import { z } from "zod";
import { gateway, gatewayResponse } from "../gateway.ts";
import { parse } from "../input.ts";
import { streamed, type Section, type StudioContext } from "../section.ts";

/** What the dashboard uploads to make an empty folder visible (storage has no folders). */
const folderPlaceholder = ".emptyFolderPlaceholder";

const bucketSettings = z.object({
  public: z.boolean(),
  /** Bytes; null for no limit beyond the project's. */
  fileSizeLimit: z.number().int().positive().nullable().default(null),
  /** Empty for any type. */
  allowedMimeTypes: z.array(z.string().min(1)).default([]),
});

const newBucket = bucketSettings.extend({ id: z.string().min(1).max(100) });

const objectPath = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith("/") && !path.split("/").includes(""), {
    error: "must be a path like folder/file.png",
  });

const upload = z.object({
  path: objectPath,
  contentType: z.string().min(1).default("application/octet-stream"),
  /** The file's bytes in base64: the console's API speaks JSON. */
  data: z.base64(),
  upsert: z.boolean().default(false),
});

const newFolder = z.object({ path: objectPath });
const removal = z
  .object({
    paths: z.array(objectPath).default([]),
    /** Folders to delete with everything below them. */
    folders: z.array(objectPath).default([]),
  })
  .refine((body) => body.paths.length + body.folders.length > 0, {
    error: "name paths or folders to delete",
  });

/** storage-api's limit on the prefixes of one delete. */
const deleteBatch = 1000;
const signing = z.object({
  path: objectPath,
  expiresIn: z.number().int().positive().default(3600),
});

interface Entry {
  name: string;
  id: string | null;
  updated_at: string | null;
  metadata: { size?: number; mimetype?: string } | null;
}

const bucketPath = (id: string) => `/storage/v1/bucket/${encodeURIComponent(id)}`;
const objectUrl = (bucket: string, path: string) =>
  `/storage/v1/object/${encodeURIComponent(bucket)}/${path.split("/").map(encodeURIComponent).join("/")}`;

/** Storage's settings body from the console's names. */
function settingsBody(settings: z.infer<typeof bucketSettings>) {
  return {
    public: settings.public,
    file_size_limit: settings.fileSizeLimit,
    allowed_mime_types: settings.allowedMimeTypes.length > 0 ? settings.allowedMimeTypes : null,
  };
}

export function storageSection(ctx: StudioContext): Section {
  return {
    id: "storage",
    title: "Storage",
    routes: {
      async "GET /buckets"() {
        return gateway(ctx, "/storage/v1/bucket?sortColumn=name&sortOrder=asc");
      },

      async "POST /buckets"({ body }) {
        const bucket = parse(newBucket, body);
        return gateway(ctx, "/storage/v1/bucket", {
          method: "POST",
          body: { id: bucket.id, name: bucket.id, ...settingsBody(bucket) },
        });
      },

      async "PUT /buckets/:id"({ params, body }) {
        return gateway(ctx, bucketPath(params.id!), {
          method: "PUT",
          body: settingsBody(parse(bucketSettings, body)),
        });
      },

      /** Storage refuses to delete a bucket with objects; the console empties it first, as the dashboard does. */
      async "DELETE /buckets/:id"({ params }) {
        await gateway(ctx, `${bucketPath(params.id!)}/empty`, { method: "POST" });
        return gateway(ctx, bucketPath(params.id!), { method: "DELETE" });
      },

      /** One folder's level: its subfolders (id null) and files, the placeholder hidden. */
      async "GET /buckets/:id/objects"({ params, query }) {
        const prefix = query.get("prefix") ?? "";
        const entries = await gateway<Entry[]>(
          ctx,
          `/storage/v1/object/list/${encodeURIComponent(params.id!)}`,
          {
            method: "POST",
            body: { prefix, limit: 1000, offset: 0, sortBy: { column: "name", order: "asc" } },
          },
        );
        return entries
          .filter((entry) => entry.name !== folderPlaceholder)
          .map((entry) => ({
            name: entry.name,
            path: prefix ? `${prefix.replace(/\/$/, "")}/${entry.name}` : entry.name,
            folder: entry.id === null,
            size: entry.metadata?.size ?? null,
            type: entry.metadata?.mimetype ?? null,
            updatedAt: entry.updated_at,
          }));
      },

      async "POST /buckets/:id/objects"({ params, body }) {
        const file = parse(upload, body);
        return gateway(ctx, objectUrl(params.id!, file.path), {
          method: "POST",
          bytes: { data: Buffer.from(file.data, "base64"), type: file.contentType },
          headers: { "x-upsert": String(file.upsert) },
        });
      },

      async "POST /buckets/:id/folders"({ params, body }) {
        const { path } = parse(newFolder, body);
        return gateway(ctx, objectUrl(params.id!, `${path}/${folderPlaceholder}`), {
          method: "POST",
          bytes: { data: new Uint8Array(), type: "application/octet-stream" },
        });
      },

      /**
       * The file itself, as an attachment. Its bytes are the user's data and pass through as they
       * are (not through the console's JSON answer).
       */
      async "GET /buckets/:id/download"({ params, query, res, signal }) {
        const path = parse(objectPath, query.get("path"));
        const response = await gatewayResponse(ctx, objectUrl(params.id!, path), { signal });
        const name = path.split("/").pop()!;
        res.writeHead(200, {
          "content-type": response.headers.get("content-type") ?? "application/octet-stream",
          "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
          "x-content-type-options": "nosniff",
          "cache-control": "no-store",
        });
        await pipeline(Readable.fromWeb(response.body as ReadableStream), res);
        return streamed;
      },

      /**
       * Files, and folders with everything below them (storage has no folders: a folder is the
       * objects whose names start with it, read from storage.objects and deleted through the API).
       */
      async "DELETE /buckets/:id/objects"({ params, body }) {
        const { paths, folders } = parse(removal, body);
        const { rows } = await ctx.db.query<{ name: string }>(
          `select name from storage.objects
            where bucket_id = $1 and exists (select from unnest($2::text[]) folder where starts_with(name, folder || '/'))`,
          [params.id, folders],
        );
        const names = [...new Set([...paths, ...rows.map((row) => row.name)])];
        const deleted: unknown[] = [];
        for (let start = 0; start < names.length; start += deleteBatch) {
          const batch = names.slice(start, start + deleteBatch);
          deleted.push(
            ...(await gateway<unknown[]>(
              ctx,
              `/storage/v1/object/${encodeURIComponent(params.id!)}`,
              {
                method: "DELETE",
                body: { prefixes: batch },
              },
            )),
          );
        }
        return deleted;
      },

      /** A signed URL anyone can open until it expires, on the gateway's address. */
      async "POST /buckets/:id/sign"({ params, body }) {
        const { path, expiresIn } = parse(signing, body);
        const { signedURL } = await gateway<{ signedURL: string }>(
          ctx,
          objectUrl(params.id!, path).replace("/object/", "/object/sign/"),
          { method: "POST", body: { expiresIn } },
        );
        return { url: `${ctx.apiUrl}/storage/v1${signedURL}`, expiresIn };
      },
    },
  };
}
