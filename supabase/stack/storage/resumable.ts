/**
 * Resumable uploads at /storage/v1/upload/resumable: the TUS 1.0.0 protocol (core, creation,
 * termination) as storage-api serves it with tus-node-server. An upload's id is
 * base64url(`bucket/name/version`), its bytes grow in `<data>/storage-resumable/<id>` and its
 * description sits beside them; the caller's RLS is checked when it is created and at every
 * PATCH, and the last PATCH makes the file the object's new version. Unfinished uploads expire as on
 * hosted Supabase, whose S3 backend gives tus-node-server an expiration (an hour): `Upload-Expires`
 * on creation and PATCH, 410 once past it, and the files removed.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { bodyChunks } from "../http/body.ts";
import type { StorageContext } from "./context.ts";
import type { RequestScope } from "./db.ts";
import { errors, fromPgError, StorageError } from "./errors.ts";
import { commitResumable, mustBeAllowedToUpload, type ResumableObject } from "./objects.ts";

const tusVersion = "1.0.0";
const publicPath = "/storage/v1/upload/resumable";

/** What tus-node-server answers, as plain text with a status. */
class TusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const tusErrors = {
  unsupportedVersion: () => new TusError(412, "Unsupported version"),
  lengthRequired: () => new TusError(400, "Upload-Length or Upload-Defer-Length header required"),
  invalidLength: () => new TusError(400, "Invalid Upload-Length"),
  invalidMetadata: () => new TusError(400, "Invalid Upload-Metadata header"),
  metadataRequired: () => new TusError(400, "Metadata is required"),
  maxSizeExceeded: () => new TusError(413, "Maximum size exceeded"),
  notFound: () => new TusError(404, "The file for this url was not found"),
  expired: () => new TusError(410, "The file for this url no longer exists"),
  invalidContentType: () => new TusError(415, "Invalid Content-Type header"),
  missingOffset: () => new TusError(403, "Upload-Offset header required"),
  offsetConflict: () => new TusError(409, "Upload-Offset conflict"),
  sizeExceeded: () => new TusError(413, "upload's size exceeded"),
};

interface StoredUpload {
  bucket: string;
  name: string;
  version: string;
  size: number;
  mimeType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | undefined;
  /** The Upload-Metadata header as created, echoed by HEAD. */
  metadataHeader: string;
  /** tus-node-server's creation_date, from which the upload expires; uploads of older stacks have none. */
  createdAt?: string;
}

/** `key base64,key base64`, as TUS encodes Upload-Metadata. */
function parseMetadata(header: string): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const pair of header.split(",")) {
    const [key, value, extra] = pair.trim().split(" ");
    if (!key || extra !== undefined || (value !== undefined && !/^[A-Za-z0-9+/]*=*$/.test(value)))
      throw tusErrors.invalidMetadata();
    metadata[key] = value === undefined ? "" : Buffer.from(value, "base64").toString("utf8");
  }
  return metadata;
}

interface TusCall {
  req: IncomingMessage;
  scope: RequestScope;
  /** At /upload/resumable/sign: authorized by an upload token in `x-signature`, not by the caller. */
  signed: boolean;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class ResumableUploads {
  /** The PATCH writing to each upload, so a resumed one can end the one a dropped connection left. */
  private readonly writing = new Map<string, { req: IncomingMessage; done: Promise<unknown> }>();

  constructor(
    private readonly ctx: StorageContext,
    private readonly dir: string,
  ) {}

  private fileOf(id: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw tusErrors.notFound();
    return path.join(this.dir, id);
  }

  private async load(id: string): Promise<StoredUpload> {
    let upload: StoredUpload;
    try {
      upload = JSON.parse(await readFile(`${this.fileOf(id)}.json`, "utf8")) as StoredUpload;
    } catch {
      throw tusErrors.notFound();
    }
    if (this.hasExpired(upload)) {
      await this.remove(id);
      throw tusErrors.expired();
    }
    return upload;
  }

  /** When an unfinished upload expires, as tus-node-server computes it; none without an expiration. */
  private expiresAt(upload: StoredUpload): Date | undefined {
    if (!this.ctx.resumableExpiryMs || !upload.createdAt) return undefined;
    return new Date(Date.parse(upload.createdAt) + this.ctx.resumableExpiryMs);
  }

  private hasExpired(upload: StoredUpload): boolean {
    const expiresAt = this.expiresAt(upload);
    return expiresAt !== undefined && Date.now() > expiresAt.getTime();
  }

  /** `Upload-Expires`, in RFC 7231's date format, while the upload is unfinished. */
  private expiryHeader(upload: StoredUpload, offset: number): Record<string, string> {
    const expiresAt = this.expiresAt(upload);
    return expiresAt && offset < upload.size ? { "Upload-Expires": expiresAt.toUTCString() } : {};
  }

  private async remove(id: string): Promise<void> {
    this.writing.get(id)?.req.destroy();
    await rm(this.fileOf(id), { force: true });
    await rm(`${this.fileOf(id)}.json`, { force: true });
  }

  /** Removes every expired upload; run at each creation, so abandoned ones do not pile up. */
  private async removeExpired(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((entry) => entry.endsWith(".json"))) {
      const id = name.slice(0, -".json".length);
      await this.load(id).catch(() => undefined);
    }
  }

  private async offsetOf(id: string): Promise<number> {
    return (await stat(this.fileOf(id)).catch(() => ({ size: 0 }))).size;
  }

  /**
   * The object as this request would write it: as the caller, or, at /upload/resumable/sign, as
   * the owner and with the upsert of the `x-signature` upload token (createSignedUploadUrl's).
   */
  private async object(upload: StoredUpload, call: TusCall): Promise<ResumableObject> {
    const who = call.signed
      ? await this.signer(call.req, upload)
      : {
          upsert: header(call.req, "x-upsert") === "true",
          owner: call.scope.caller.owner,
          acting: "caller" as const,
        };
    return {
      bucket: upload.bucket,
      name: upload.name,
      ...who,
      mimeType: upload.mimeType,
      cacheControl: upload.cacheControl,
      userMetadata: upload.userMetadata,
      size: upload.size,
    };
  }

  private async signer(req: IncomingMessage, upload: StoredUpload) {
    const signature = header(req, "x-signature");
    if (!signature) throw errors.invalidSignature("Missing x-signature header");
    const token = await this.ctx.signer.verifyUpload(signature, `${upload.bucket}/${upload.name}`);
    return { upsert: token.upsert, owner: token.owner, acting: "admin" as const };
  }

  /** Runs one TUS request; errors are answered as tus-node-server does, in plain text. */
  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    scope: RequestScope,
    id: string | undefined,
    signed: boolean,
  ): Promise<void> {
    const call: TusCall = { req, scope, signed };
    res.setHeader("Tus-Resumable", tusVersion);
    // What a browser's tus-js-client reads, as tus-node-server exposes it (the gateway answers preflights).
    res.setHeader(
      "Access-Control-Expose-Headers",
      "Location, Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires, Tus-Version, Tus-Resumable, Tus-Extension, Tus-Max-Size",
    );
    try {
      if (header(req, "tus-resumable") !== tusVersion) {
        res.setHeader("Tus-Version", tusVersion);
        throw tusErrors.unsupportedVersion();
      }
      if (req.method === "POST") return await this.create(call, res);
      if (id === undefined) throw tusErrors.notFound();
      // A signed upload's every request carries its token, HEAD and DELETE too.
      if (signed) await this.signer(req, await this.load(id));
      if (req.method === "HEAD") return await this.head(res, id);
      if (req.method === "PATCH") return await this.patch(call, res, id);
      if (req.method === "DELETE") return await this.terminate(res, id);
    } catch (thrown) {
      const error = thrown instanceof pg.DatabaseError ? fromPgError(thrown) : thrown;
      if (!(error instanceof TusError || error instanceof StorageError)) throw error;
      // storage-api renders its own errors into TUS answers: the body's statusCode and message.
      const status = error instanceof TusError ? error.status : error.statusCode;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`${error.message}\n`);
    }
  }

  private async create(call: TusCall, res: ServerResponse) {
    const { req } = call;
    const lengthHeader = header(req, "upload-length");
    if (lengthHeader === undefined) throw tusErrors.lengthRequired();
    if (!/^\d+$/.test(lengthHeader)) throw tusErrors.invalidLength();
    const size = Number(lengthHeader);
    const metadataHeader = header(req, "upload-metadata");
    if (!metadataHeader) throw tusErrors.metadataRequired();
    const metadata = parseMetadata(metadataHeader);
    let userMetadata: Record<string, unknown> | undefined;
    try {
      userMetadata = metadata.metadata ? JSON.parse(metadata.metadata) : undefined;
    } catch {
      userMetadata = undefined; // storage-api logs and ignores user metadata it cannot parse
    }
    const upload: StoredUpload = {
      bucket: metadata.bucketName ?? "",
      name: metadata.objectName ?? "",
      version: randomUUID(),
      size,
      mimeType: metadata.contentType || "application/octet-stream",
      cacheControl: /^-?\d+$/.test(metadata.cacheControl ?? "")
        ? `max-age=${metadata.cacheControl}`
        : "no-cache",
      userMetadata,
      metadataHeader,
      createdAt: new Date().toISOString(),
    };
    const maxBytes = await mustBeAllowedToUpload(
      this.ctx,
      call.scope,
      await this.object(upload, call),
    );
    if (size > maxBytes) throw tusErrors.maxSizeExceeded();
    const id = Buffer.from(`${upload.bucket}/${upload.name}/${upload.version}`).toString(
      "base64url",
    );
    await mkdir(this.dir, { recursive: true });
    await this.removeExpired();
    await writeFile(this.fileOf(id), "");
    await writeFile(`${this.fileOf(id)}.json`, JSON.stringify(upload));
    const proto = header(req, "x-forwarded-proto") ?? "http";
    const base = `${proto}://${header(req, "host")}${publicPath}${call.signed ? "/sign" : ""}`;
    res.setHeader("Location", `${base}/${id}`);
    // creation-with-upload: the first bytes may come with the POST.
    if (header(req, "content-type") === "application/offset+octet-stream" && size > 0) {
      const offset = await this.write(call, id, upload, 0);
      res.writeHead(201, { "Upload-Offset": String(offset), ...this.expiryHeader(upload, offset) });
    } else res.writeHead(201, this.expiryHeader(upload, 0));
    res.end();
  }

  private async head(res: ServerResponse, id: string): Promise<void> {
    const upload = await this.load(id);
    res.writeHead(200, {
      "Upload-Offset": String(await this.offsetOf(id)),
      "Upload-Length": String(upload.size),
      "Upload-Metadata": upload.metadataHeader,
      "Cache-Control": "no-store",
    });
    res.end();
  }

  private async patch(call: TusCall, res: ServerResponse, id: string): Promise<void> {
    const { req } = call;
    if (header(req, "content-type") !== "application/offset+octet-stream")
      throw tusErrors.invalidContentType();
    const offsetHeader = header(req, "upload-offset");
    if (offsetHeader === undefined || !/^\d+$/.test(offsetHeader)) throw tusErrors.missingOffset();
    const upload = await this.load(id);
    await mustBeAllowedToUpload(this.ctx, call.scope, await this.object(upload, call));
    const offset = await this.write(call, id, upload, Number(offsetHeader));
    res.writeHead(204, {
      "Upload-Offset": String(offset),
      ...(offset === upload.size && { "Tus-Complete": "1" }),
      ...this.expiryHeader(upload, offset),
    });
    res.end();
  }

  /**
   * Appends the request's body at `offset` and, once the upload is whole, commits it. A PATCH
   * still writing (its client gone without the server noticing) is ended first, and what it
   * wrote counts.
   */
  private async write(
    call: TusCall,
    id: string,
    upload: StoredUpload,
    offset: number,
  ): Promise<number> {
    const { req } = call;
    const previous = this.writing.get(id);
    if (previous) {
      previous.req.destroy();
      await previous.done.catch(() => undefined);
    }
    if (offset !== (await this.offsetOf(id))) throw tusErrors.offsetConflict();
    const file = this.fileOf(id);
    const limit = upload.size - offset;
    let received = 0;
    const done = pipeline(
      bodyChunks(req),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          received += chunk.length;
          if (received > limit) throw tusErrors.sizeExceeded();
          yield chunk;
        }
      },
      createWriteStream(file, { flags: "a" }),
    );
    this.writing.set(id, { req, done });
    try {
      await done;
    } catch (error) {
      // A dropped connection keeps what arrived; a body too long keeps nothing of itself.
      if (error instanceof TusError) {
        await truncate(file, offset);
        throw error;
      }
    } finally {
      if (this.writing.get(id)?.req === req) this.writing.delete(id);
    }
    const written = await this.offsetOf(id);
    if (written === upload.size) {
      await commitResumable(
        this.ctx,
        call.scope,
        await this.object(upload, call),
        file,
        upload.version,
      );
      await rm(`${file}.json`, { force: true });
    }
    return written;
  }

  private async terminate(res: ServerResponse, id: string): Promise<void> {
    await this.load(id);
    await this.remove(id);
    res.writeHead(204);
    res.end();
  }
}
