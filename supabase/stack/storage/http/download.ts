import { once } from "node:events";
import type { FileHandle } from "node:fs/promises";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { buffer } from "node:stream/consumers";
import { sendJson } from "../../http/json.ts";
import { sendRange, type ByteRange, type Disk } from "../disk.ts";
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

/**
 * storage-api's parseRangeHeader: one `bytes=a-b`, `bytes=a-` or `bytes=-n` range, its end capped
 * at the file's last byte; anything else (several ranges, another unit, a start past the end, an
 * empty file, `-0`) cannot be satisfied.
 */
function byteRange(header: string, size: number): ByteRange | "unsatisfiable" {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (!match || size <= 0 || (match[1] === "" && match[2] === "")) return "unsatisfiable";
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (!Number.isSafeInteger(suffix) || suffix <= 0) return "unsatisfiable";
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Number(match[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start || start >= size)
    return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

/**
 * storage-api's answer to a range it cannot serve (416 with its InvalidRange body), with the
 * `Content-Range: bytes *\/<size>` RFC 9110 asks for, which tells a client the file's size.
 */
function sendUnsatisfiableRange(res: ServerResponse, size: number): void {
  const error = errors.invalidRange();
  sendJson(res, error.httpStatus, error.body(), { "content-range": `bytes */${size}` });
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

/**
 * GET: the bytes streamed from disk, with ranges and If-None-Match. HEAD of a signed URL (Fastify
 * answers it with the GET handler) gets the same status and headers without the bytes.
 */
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
  const range = req.headers.range === undefined ? undefined : byteRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    sendUnsatisfiableRange(res, size);
    return;
  }
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
  headers["content-length"] = range ? range.end - range.start + 1 : size;
  let file: FileHandle;
  try {
    file = await disk.open({ bucket: row.bucket_id, name: row.name, version: row.version });
  } catch {
    sendMissingFile(res);
    return;
  }
  try {
    res.writeHead(range ? 206 : 200, headers);
    if (req.method !== "HEAD" && size > 0)
      await sendRange(file, range ?? { start: 0, end: size - 1 }, res);
    res.end();
  } finally {
    await file.close();
  }
}

/**
 * HEAD of an object (public, authenticated, or by bucket and name): storage-api's HeadRenderer
 * answers from the row alone, 200 with the whole object's length; a Range header changes nothing.
 */
export function sendObjectHead(res: ServerResponse, row: ObjectRow): void {
  const headers = objectHeaders(row, { download: null });
  const contentLength = row.metadata?.contentLength;
  if (contentLength !== undefined) headers["content-length"] = contentLength;
  res.writeHead(200, headers);
  res.end();
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
