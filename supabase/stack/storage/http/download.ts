import { once } from "node:events";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { sendJson } from "../../http/json.ts";
import type { Disk } from "../disk.ts";
import { errors } from "../errors.ts";
import { renderImage, transformationSegments, type TransformOptions } from "../image.ts";
import type { ObjectRow } from "../objects.ts";

export interface RenderOptions {
  /** `?download` (attachment) with an optional file name. */
  download: string | null;
  /** Signed URLs answer with Expires (the token's expiry) instead of the object's Cache-Control. */
  expires?: Date;
}

/** storage-api's renderer headers for one object. */
function objectHeaders(row: ObjectRow, options: RenderOptions): OutgoingHttpHeaders {
  const metadata = row.metadata;
  const headers: OutgoingHttpHeaders = {
    "accept-ranges": "bytes",
    // Serving uploaded HTML as a page would let one user's file script another user's session.
    "content-type": metadata?.mimetype?.includes("text/html") ? "text/plain" : metadata?.mimetype,
    etag: metadata?.eTag,
    "x-robots-tag": "none",
    "last-modified": metadata?.lastModified
      ? new Date(metadata.lastModified).toUTCString()
      : undefined,
  };
  if (options.expires) headers.expires = options.expires.toUTCString();
  else if (metadata?.cacheControl) headers["cache-control"] = metadata.cacheControl;
  if (options.download !== null) {
    const name = encodeURIComponent(options.download);
    headers["content-disposition"] = name
      ? `attachment; filename=${name}; filename*=UTF-8''${name}`
      : "attachment;";
  }
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined));
}

/** One `bytes=` range of a file of `size` bytes, or undefined for the whole file. */
function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) throw errors.invalidRange();
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) throw errors.invalidRange();
  return { start, end };
}

/** What storage-api's renderer answers when the row exists but its bytes do not. */
function sendMissingFile(res: ServerResponse): void {
  sendJson(
    res,
    400,
    {
      error: "Not found",
      message: "The resource was not found",
      statusCode: "404",
      code: "NoSuchKey",
    },
    { "cache-control": "no-store" },
  );
}

/** GET: the bytes, with ranges and If-None-Match; HEAD: the same headers without them. */
export async function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  disk: Disk,
  row: ObjectRow,
  options: RenderOptions,
): Promise<void> {
  const headers = objectHeaders(row, options);
  const size = row.metadata?.size ?? 0;
  if (req.headers["if-none-match"] && req.headers["if-none-match"] === row.metadata?.eTag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const range = byteRange(req.headers.range, size);
  const status = range ? 206 : 200;
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
  headers["content-length"] = range ? range.end - range.start + 1 : size;
  const stream = disk.read({ bucket: row.bucket_id, name: row.name, version: row.version }, range);
  try {
    await once(stream, "ready");
  } catch {
    sendMissingFile(res);
    return;
  }
  res.writeHead(status, headers);
  if (req.method === "HEAD") {
    stream.destroy();
    res.end();
    return;
  }
  await pipeline(stream, res);
}

/**
 * A transformed image, with the original's ETag and Cache-Control and the transformation in
 * `X-Transformations`, as storage-api answers for imgproxy's result.
 */
export async function sendRendered(
  req: IncomingMessage,
  res: ServerResponse,
  disk: Disk,
  row: ObjectRow,
  transform: TransformOptions,
  options: RenderOptions,
): Promise<void> {
  const headers = objectHeaders(row, options);
  if (req.headers["if-none-match"] && req.headers["if-none-match"] === row.metadata?.eTag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const stream = disk.read({ bucket: row.bucket_id, name: row.name, version: row.version });
  let source: Buffer;
  try {
    await once(stream, "ready");
    source = await buffer(stream);
  } catch {
    sendMissingFile(res);
    return;
  }
  const rendered = await renderImage(source, transform, req.headers.accept);
  const segments = transformationSegments(transform);
  delete headers["accept-ranges"];
  res.writeHead(200, {
    ...headers,
    "content-type": rendered.contentType,
    "content-length": rendered.body.length,
    ...(segments.length > 0 && { "x-transformations": segments.join(",") }),
  });
  res.end(rendered.body);
}

/** storage-js `info()`: the object's description as JSON. */
export function sendObjectInfo(res: ServerResponse, row: ObjectRow): void {
  const metadata = row.metadata;
  const headers: OutgoingHttpHeaders = {};
  if (metadata?.eTag) headers.etag = metadata.eTag;
  if (metadata?.cacheControl) headers["cache-control"] = metadata.cacheControl;
  if (metadata?.lastModified)
    headers["last-modified"] = new Date(metadata.lastModified).toUTCString();
  sendJson(
    res,
    200,
    {
      id: row.id,
      name: row.name,
      version: row.version,
      bucket_id: row.bucket_id,
      size: metadata?.size ?? null,
      content_type: metadata?.mimetype ?? null,
      cache_control: metadata?.cacheControl ?? null,
      etag: metadata?.eTag ?? null,
      // An object uploaded without user metadata reads as `{}`, as from storage-api.
      metadata: row.user_metadata ?? {},
      last_modified: row.updated_at,
      created_at: row.created_at,
    },
    headers,
  );
}
