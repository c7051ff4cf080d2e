import { errors } from "./errors.ts";

// storage-api allows S3-safe characters only (the hyphen is last so it stays a literal).
const validObjectKey = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/;
const validBucketName = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/;

export function mustBeValidKey(key: string): void {
  if (!key || !validObjectKey.test(key)) throw errors.invalidKey(key);
}

export function mustBeValidBucketName(name: string): void {
  if (!name || name.length > 100 || !validBucketName.test(name)) throw errors.invalidBucketName();
}

/** storage-api's size strings for bucket limits: "20GB", "1.5MB", "30KB", "3B" (decimal units). */
export function parseFileSizeToBytes(value: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(value);
  if (!match) throw errors.invalidFileSizeLimit();
  const amount = Number(Number.parseFloat(match[1]!).toPrecision(3));
  const unit = { gb: 1e9, mb: 1e6, kb: 1e3, b: 1 }[
    match[2]!.toLowerCase() as "gb" | "mb" | "kb" | "b"
  ];
  return amount * unit;
}

/** A MIME type (or wildcard) a bucket may list in allowed_mime_types, as storage-api validates it. */
export function mustBeValidMimeTypes(types: string[]): void {
  for (const type of types) {
    if (
      type.length > 1000 ||
      !/^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9-]+)?$|\*$/.test(type)
    ) {
      throw errors.invalidMimeType(type);
    }
  }
}

/** An upload's content type against a bucket's allowed_mime_types ("image/*" allows any image). */
export function mustBeAllowedMimeType(mimeType: string, allowed: string[]): void {
  const [type, subtype] = mimeType.split("/");
  if (subtype === undefined) throw errors.invalidMimeType(mimeType);
  for (const entry of allowed) {
    const [allowedType, allowedSubtype] = entry.split("/");
    if (allowedType === type && (allowedSubtype === "*" || allowedSubtype === subtype)) return;
  }
  throw errors.invalidMimeType(mimeType);
}

/** storage-api caps signed URL lifetimes so `exp` stays a safe integer. */
export function mustBeValidExpiry(expiresIn: unknown): number {
  if (
    typeof expiresIn !== "number" ||
    !Number.isSafeInteger(Math.floor(expiresIn)) ||
    expiresIn < 1
  ) {
    throw errors.invalidParameter("expiresIn");
  }
  const seconds = Math.floor(expiresIn);
  if (seconds > Math.floor(Number.MAX_SAFE_INTEGER / 1000) - Math.floor(Date.now() / 1000))
    throw errors.invalidParameter("expiresIn");
  return seconds;
}

/** storage-js creates "folders" by uploading this empty placeholder; it skips size and MIME checks. */
export function isEmptyFolderPlaceholder(name: string): boolean {
  return name.endsWith(".emptyFolderPlaceholder");
}
