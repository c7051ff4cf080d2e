import type { ServerResponse } from "node:http";
import pg from "pg";
import { sendJson } from "../http/json.ts";
import type { Logger } from "../logger.ts";

/**
 * An error in storage-api's shape: `{statusCode, code, error, message}`. Like storage-api, the
 * HTTP status is 400 for every client error (the real status is the body's `statusCode`, a
 * string), 500 for server errors, unless `httpStatus` overrides it (role checks answer 403).
 */
export class StorageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly error: string = code,
    readonly httpStatus: number = statusCode >= 500 ? 500 : 400,
  ) {
    super(message);
  }

  body() {
    return {
      statusCode: String(this.statusCode),
      code: this.code,
      error: this.error,
      message: this.message,
    };
  }
}

/** The errors storage-api raises, with its codes, statuses and messages. */
export const errors = {
  noSuchBucket: () => new StorageError(404, "NoSuchBucket", "Bucket not found", "Bucket not found"),
  noSuchKey: () => new StorageError(404, "NoSuchKey", "Object not found", "not_found"),
  invalidBucketName: () =>
    new StorageError(400, "InvalidBucketName", "Bucket name invalid", "Invalid Input"),
  invalidKey: (key: string) => new StorageError(400, "InvalidKey", `Invalid key: ${key}`),
  bucketAlreadyExists: () =>
    new StorageError(409, "BucketAlreadyExists", "The resource already exists", "Duplicate"),
  keyAlreadyExists: () =>
    new StorageError(409, "KeyAlreadyExists", "The resource already exists", "Duplicate"),
  resourceAlreadyExists: () =>
    new StorageError(409, "ResourceAlreadyExists", "The resource already exists", "Duplicate"),
  bucketNotEmpty: () =>
    new StorageError(409, "ResourceNotEmpty", "The bucket you tried to delete is not empty"),
  accessDenied: (message: string, httpStatus?: number) =>
    new StorageError(403, "AccessDenied", message, "Unauthorized", httpStatus),
  invalidMimeType: (mimeType: string) =>
    new StorageError(
      415,
      "InvalidMimeType",
      `mime type ${mimeType} is not supported`,
      "invalid_mime_type",
    ),
  entityTooLarge: () =>
    new StorageError(
      413,
      "EntityTooLarge",
      "The object exceeded the maximum allowed size",
      "Payload too large",
    ),
  invalidFileSizeLimit: () =>
    new StorageError(
      400,
      "InvalidRequest",
      "Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B",
    ),
  invalidRequest: (message: string) => new StorageError(400, "InvalidRequest", message),
  noContentProvided: () => new StorageError(400, "InvalidRequest", "No content provided"),
  invalidParameter: (name: string) =>
    new StorageError(400, "InvalidParameter", `Invalid Parameter ${name}`),
  invalidJwt: (message: string) => new StorageError(400, "InvalidJWT", message),
  invalidSignature: (message = "Invalid signature") =>
    new StorageError(400, "InvalidSignature", message),
  expiredSignature: () => new StorageError(400, "ExpiredToken", "The provided token has expired."),
  /** The one error storage-api answers with its real status: a Range it cannot serve. */
  invalidRange: () =>
    new StorageError(416, "InvalidRange", "invalid range provided", "invalid_range", 416),
  featureNotEnabled: (feature: string) =>
    new StorageError(
      409,
      "FeatureNotEnabled",
      `The feature ${feature} is not enabled for this resource`,
    ),
  routeNotFound: (method: string, url: string) =>
    new StorageError(404, "InvalidRequest", `Route ${method}:${url} not found`, "Not Found", 404),
};

/** PostgreSQL errors as storage-api's DBError maps them. */
export function fromPgError(error: pg.DatabaseError): StorageError {
  switch (error.code) {
    case "42501":
      return errors.accessDenied(
        error.message.includes("row-level security")
          ? "new row violates row-level security policy"
          : error.message,
      );
    case "23505":
      return errors.resourceAlreadyExists();
    case "23503":
      return error.detail?.includes("is still referenced from table")
        ? new StorageError(
            409,
            "ResourceReferenced",
            "The resource could not be updated or removed due to a foreign key constraint",
          )
        : new StorageError(404, "InvalidRequest", "The related resource does not exist");
    case "55P03":
      return new StorageError(423, "ResourceLocked", "The resource is locked");
    case "57014":
      return new StorageError(
        544,
        "DatabaseTimeout",
        "The connection to the database timed out",
        "DatabaseTimeout",
        544,
      );
    case "22P02":
      return new StorageError(400, "InvalidParameter", error.message);
    default:
      return new StorageError(500, "DatabaseError", `database error, code: ${error.code}`);
  }
}

/** Any thrown value as the error the client sees; unexpected ones are logged with their stack. */
function toStorageError(error: unknown, log: Logger): StorageError {
  if (error instanceof StorageError) return error;
  if (error instanceof pg.DatabaseError) return fromPgError(error);
  log.error(`storage: ${(error as Error)?.stack ?? String(error)}`);
  return new StorageError(500, "InternalError", "Internal server error", "Internal");
}

export function sendStorageError(res: ServerResponse, error: unknown, log: Logger): void {
  const failure = toStorageError(error, log);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, failure.httpStatus, failure.body());
}
