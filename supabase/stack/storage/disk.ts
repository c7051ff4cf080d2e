import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
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

/** Object bytes under `<data>/storage/<bucket>/<name>/<version>`. */
export class Disk {
  constructor(readonly root: string) {}

  /** The file of a version; a key that would leave the root (`../`) is refused. */
  fileOf({ bucket, name, version }: Location): string {
    const file = path.resolve(this.root, bucket, name, version);
    if (!file.startsWith(path.resolve(this.root, bucket) + path.sep)) throw errors.invalidKey(name);
    return file;
  }

  /**
   * Streams `body` to a new version's file, refusing more than `maxBytes`; on any failure the
   * partial file is gone before this rejects.
   */
  async write(location: Location, body: Readable, maxBytes: number): Promise<StoredFile> {
    const file = this.fileOf(location);
    await mkdir(path.dirname(file), { recursive: true });
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
      await pipeline(body, meter, createWriteStream(file));
    } catch (error) {
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
    // 1 MiB reads: the default 64 KiB makes large downloads several times slower.
    return createReadStream(this.fileOf(location), { ...range, highWaterMark: 1024 * 1024 });
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
