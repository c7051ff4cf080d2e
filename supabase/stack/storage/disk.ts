import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, rmSync } from "node:fs";
import { copyFile, mkdir, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { errors } from "./errors.ts";

export interface StoredFile {
  size: number;
  /** Quoted MD5 of the bytes, as S3 and storage-api's file backend report it. */
  eTag: string;
}

/** Where a location is on disk: one file per object version, as storage-api's file backend keeps them. */
export interface Location {
  bucket: string;
  name: string;
  version: string;
}

/** Reads of 1 MiB: the default 64 KiB makes large downloads several times slower. */
const downloadChunkBytes = 1024 * 1024;

/**
 * Object bytes under `<data>/storage/<bucket>/<name>/<version>`; uploads still arriving under
 * `uploads` (on the same file system, so that finishing one is a rename).
 */
export class Disk {
  constructor(
    readonly root: string,
    private readonly uploads: string,
  ) {}

  /**
   * At start, whatever an earlier run left in `uploads` was cut off by a crash: no row names it,
   * and no upload of this run is under way yet.
   */
  discardCutOffUploads(): void {
    rmSync(this.uploads, { recursive: true, force: true });
  }

  /** The file of a version; a key that would leave the root (`../`) is refused. */
  fileOf({ bucket, name, version }: Location): string {
    const file = path.resolve(this.root, bucket, name, version);
    if (!file.startsWith(path.resolve(this.root, bucket) + path.sep)) throw errors.invalidKey(name);
    return file;
  }

  /**
   * Streams `body` to a file of its own under `uploads`, refusing more than `maxBytes`, and moves
   * it to the version's place once every byte is on disk: an upload cut off (an aborted request,
   * a crash) never leaves a partial file among the objects. On any failure nothing of it is left
   * before this rejects. The version is new and no row names it until the caller commits one.
   */
  async write(location: Location, body: Readable, maxBytes: number): Promise<StoredFile> {
    const file = this.fileOf(location);
    await mkdir(this.uploads, { recursive: true });
    const partial = path.join(this.uploads, randomUUID());
    const md5 = createHash("md5");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(errors.entityTooLarge());
          return;
        }
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(partial));
      await mkdir(path.dirname(file), { recursive: true });
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      await this.remove(location);
      throw error;
    }
    return { size, eTag: `"${md5.digest("hex")}"` };
  }

  /** Moves a finished file (a resumable upload's) into place as a version's file. */
  async adopt(location: Location, source: string): Promise<StoredFile> {
    const md5 = createHash("md5");
    let size = 0;
    for await (const chunk of createReadStream(source) as AsyncIterable<Buffer>) {
      size += chunk.length;
      md5.update(chunk);
    }
    const file = this.fileOf(location);
    await mkdir(path.dirname(file), { recursive: true });
    await rename(source, file);
    return { size, eTag: `"${md5.digest("hex")}"` };
  }

  read(location: Location, range?: { start: number; end: number }): Readable {
    return createReadStream(this.fileOf(location), { ...range, highWaterMark: downloadChunkBytes });
  }

  async copy(from: Location, to: Location): Promise<void> {
    const target = this.fileOf(to);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(this.fileOf(from), target);
  }

  /** Deletes a version's file and the folders it leaves empty; a missing file is not an error. */
  async remove(location: Location): Promise<void> {
    const file = this.fileOf(location);
    await rm(file, { force: true });
    const bucketDir = path.resolve(this.root, location.bucket);
    for (
      let dir = path.dirname(file);
      dir.startsWith(bucketDir + path.sep);
      dir = path.dirname(dir)
    ) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (another object lives there) or already gone
      }
    }
  }

  /** The folder of a deleted bucket, if nothing is left in it. */
  async removeBucketFolder(bucket: string): Promise<void> {
    await rmdir(path.resolve(this.root, bucket)).catch(() => undefined);
  }

  /** The files of deleted rows; the rows are already gone, so a failure here only leaves garbage. */
  async removeAll(bucket: string, rows: { name: string; version: string | null }[]): Promise<void> {
    await Promise.all(
      rows
        .filter((row) => row.version)
        .map((row) => this.remove({ bucket, name: row.name, version: row.version! })),
    );
  }
}
