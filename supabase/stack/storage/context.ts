import { uuidPattern } from "../database/session.ts";
import type { StorageDb } from "./db.ts";
import type { Disk } from "./disk.ts";
import type { UrlSigner } from "./signed-urls.ts";

/** What every storage operation works with. */
export interface StorageContext {
  db: StorageDb;
  disk: Disk;
  signer: UrlSigner;
  /** `[storage] file_size_limit` of config.toml: no bucket limit or upload may exceed it. */
  fileSizeLimit: number;
  /** `[storage.image_transformation] enabled`: without it the render routes do not exist and signed URLs carry no transformation. */
  imageTransformation: boolean;
  /** Where resumable uploads grow until their last byte: beside `disk`, on the same file system. */
  resumableDir: string;
  /** How long an unfinished resumable upload lives (storage-api's TUS_URL_EXPIRY_MS); 0: forever. */
  resumableExpiryMs: number;
}

/** Owners are uuids in `owner` (deprecated) and any JWT subject in `owner_id`, as storage-api writes them. */
export function ownerColumns(owner: string | undefined): {
  owner: string | null;
  owner_id: string | null;
} {
  const isUuid = uuidPattern.test(owner ?? "");
  return { owner: isUuid ? owner! : null, owner_id: owner ?? null };
}
