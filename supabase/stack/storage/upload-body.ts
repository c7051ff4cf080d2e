import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import busboy from "busboy";
import { errors } from "./errors.ts";
import { isEmptyFolderPlaceholder, mustBeAllowedMimeType } from "./limits.ts";

/** The file of an upload request, not yet read. */
export interface UploadBody {
  stream: Readable;
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | undefined;
  /** The size the client declared (binary bodies only), shown to policies before the bytes arrive. */
  declaredLength: number | undefined;
  /** The most bytes the object may have: the bucket's limit within the project's. */
  maxBytes: number;
  /** True once a multipart file went over `maxBytes` (its excess is discarded unread). */
  truncated(): boolean;
}

export interface UploadLimits {
  /** Bucket limit (if any) within the project's limit. */
  maxBytes: number;
  allowedMimeTypes: string[];
}

/** storage-api caps user metadata at 1 MiB. */
const maxUserMetadataBytes = 1024 * 1024;

/** The base64 JSON of an `x-metadata` header; unreadable metadata is ignored. */
export function decodeMetadataHeader(
  value: string | string[] | undefined,
): Record<string, unknown> | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(Buffer.from(value, "base64").toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined; // storage-api ignores metadata it cannot read
  }
}

function parseMetadataField(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (Buffer.byteLength(value) > maxUserMetadataBytes) throw errors.entityTooLarge();
  try {
    return JSON.parse(value) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Reads an upload as storage-api does: a multipart form (storage-js sends one for Blob, File and
 * FormData, with `cacheControl` and `metadata` fields before the file) or any other body as the
 * bytes themselves, typed by Content-Type. Size and MIME type are refused before any byte is stored.
 */
export async function uploadBodyOf(
  req: IncomingMessage,
  objectName: string,
  limits: UploadLimits,
): Promise<UploadBody> {
  // An empty-folder placeholder is always allowed, and always empty.
  const placeholder = isEmptyFolderPlaceholder(objectName);
  const maxBytes = placeholder ? 0 : limits.maxBytes;
  const checkMime = (mimeType: string) => {
    if (!placeholder && limits.allowedMimeTypes.length > 0)
      mustBeAllowedMimeType(mimeType, limits.allowedMimeTypes);
  };

  if ((req.headers["content-type"] ?? "").startsWith("multipart/form-data")) {
    const form = await firstFile(req, maxBytes);
    const mimeType = form.fields.contentType || form.mimeType;
    checkMime(mimeType);
    return {
      stream: form.stream,
      mimeType,
      cacheControl: form.fields.cacheControl ? `max-age=${form.fields.cacheControl}` : "no-cache",
      userMetadata: parseMetadataField(form.fields.metadata ?? form.fields.userMetadata),
      declaredLength: undefined,
      maxBytes,
      truncated: () => form.truncated,
    };
  }

  const mimeType = req.headers["content-type"] || "application/octet-stream";
  checkMime(mimeType);
  const declared = Number(req.headers["content-length"]);
  const declaredLength =
    req.headers["content-length"] !== undefined && Number.isFinite(declared) ? declared : undefined;
  if (declaredLength !== undefined && declaredLength > maxBytes) throw errors.entityTooLarge();
  return {
    stream: req,
    mimeType,
    cacheControl: req.headers["cache-control"] ?? "no-cache",
    userMetadata: decodeMetadataHeader(req.headers["x-metadata"]),
    declaredLength,
    maxBytes,
    truncated: () => false,
  };
}

interface FormFile {
  fields: Record<string, string>;
  stream: Readable;
  mimeType: string;
  truncated: boolean;
}

/** The form fields before the first file, and that file's stream; other files are refused. */
function firstFile(req: IncomingMessage, maxBytes: number): Promise<FormFile> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 1, fields: 10, fileSize: maxBytes },
      });
    } catch {
      reject(errors.noContentProvided());
      return;
    }
    const fields: Record<string, string> = {};
    let found: FormFile | undefined;
    parser.on("field", (name, value) => (fields[name] = value));
    parser.on("file", (_name, stream, info) => {
      found = { fields: { ...fields }, stream, mimeType: info.mimeType, truncated: false };
      const file = found;
      stream.on("limit", () => (file.truncated = true));
      resolve(file);
    });
    parser.on("error", () => reject(errors.noContentProvided()));
    parser.on("close", () => {
      if (!found) reject(errors.noContentProvided());
    });
    req.pipe(parser);
  });
}
