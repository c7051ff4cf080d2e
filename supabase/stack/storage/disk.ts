import { randomUUID } from "node:crypto";
import { createReadStream, rmSync } from "node:fs";
import { copyFile, mkdir, open, rename, rm, rmdir, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Writable, type Readable } from "node:stream";
import { pipeBody } from "../http/body.ts";
import { errors } from "./errors.ts";
import { Md5Thread, type RunningMd5 } from "./md5-thread.ts";

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

/**
 * Reads and writes of 1 MiB: the default 64 KiB reads make large downloads several times slower,
 * and an upload's socket chunks (64 KiB or less) written one by one take ten times the writes.
 */
const transferBufferBytes = 1024 * 1024;

/** Bytes `start` to `end` of a file, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * 1 MiB buffers kept between transfers. A new buffer per read is memory outside V8's heap, which
 * V8 answers with a mark-compact of the stack's whole heap: about one per 10 MB download, costing
 * more CPU than moving the bytes did. Enough for two transfers at once; more are allocated and
 * left to the collector. They are shared memory, so that the MD5 thread reads an upload's bytes
 * where they are.
 */
const idleBuffers: Buffer[] = [];
const maxIdleBuffers = 4;

function takeBuffer(): Buffer {
  return idleBuffers.pop() ?? Buffer.from(new SharedArrayBuffer(transferBufferBytes));
}

function giveBack(buffers: Buffer[]): void {
  for (const buffer of buffers) if (idleBuffers.length < maxIdleBuffers) idleBuffers.push(buffer);
}

/** Resolves once `out` has handed `chunk` on (to the kernel, for a socket), so it may be reused. */
function written(out: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    out.write(chunk, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * Writes `range` of an open file to `out` through two reused buffers: one is read into while the
 * other is being sent, and a buffer is read into again only once its last write has completed.
 * Buffers return to the pool only after every write succeeded: after a failure a socket may still
 * hold one, and reusing it could change bytes it has yet to send.
 */
export async function sendRange(file: FileHandle, range: ByteRange, out: Writable): Promise<void> {
  const buffers = [takeBuffer(), takeBuffer()];
  const writes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  let position = range.start;
  for (let slot = 0; position <= range.end; slot = 1 - slot) {
    await writes[slot];
    const buffer = buffers[slot]!;
    const wanted = Math.min(buffer.length, range.end - position + 1);
    const { bytesRead } = await file.read(buffer, 0, wanted, position);
    if (bytesRead === 0) throw new Error(`${range.end - position + 1} bytes missing from the file`);
    position += bytesRead;
    const write = written(out, buffer.subarray(0, bytesRead));
    write.catch(() => undefined); // awaited in its turn; a failure meanwhile is not unhandled
    writes[slot] = write;
  }
  await Promise.all(writes);
  giveBack(buffers);
}

/** Writes `length` bytes of `buffer` at `position`, however many writes the system takes. */
async function writeAll(file: FileHandle, buffer: Buffer, length: number, position: number) {
  for (let done = 0; done < length;) {
    const { bytesWritten } = await file.write(buffer, done, length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * An upload's file: counts the chunks as they arrive (refusing more than `maxBytes`) and copies
 * them into two reused buffers, each written whole and hashed on the MD5 thread while the other
 * fills. A chunk is let go as soon as it is copied, so the socket's chunks die young instead of
 * waiting on a write.
 */
class UploadFile extends Writable {
  size = 0;
  /** The quoted MD5 of the bytes, once every one is written. */
  eTag: string | undefined;
  private readonly buffers = [takeBuffer(), takeBuffer()];
  private readonly writes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  private slot = 0;
  private filled = 0;
  private position = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly maxBytes: number,
    private readonly md5: RunningMd5,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      done(errors.entityTooLarge());
      return;
    }
    this.copyIn(chunk, done);
  }

  /**
   * Copies with `fill`, which is a memcpy: `Buffer#copy` into shared memory is V8's relaxed atomic
   * copy, byte by byte unless both offsets are 8-byte aligned, and a body's chunks follow an HTTP
   * head of any length. That copy was a fifth of an upload's main-thread CPU: 3 ms per 10 MB
   * here, against 0.3.
   */
  private copyIn(chunk: Buffer, done: (error?: Error) => void): void {
    const buffer = this.buffers[this.slot]!;
    const copied = Math.min(chunk.length, buffer.length - this.filled);
    buffer.fill(chunk, this.filled, this.filled + copied);
    this.filled += copied;
    if (copied === chunk.length && this.filled < transferBufferBytes) done();
    else this.flush().then(() => this.copyIn(chunk.subarray(copied), done), done);
  }

  override _final(done: (error?: Error) => void): void {
    const last = this.filled > 0 ? this.flush() : Promise.resolve();
    last
      .then(() => Promise.all(this.writes))
      .then(() => this.md5.digest())
      .then((hex) => {
        this.eTag = `"${hex}"`;
        done();
      }, done);
  }

  /** Starts writing and hashing the buffer just filled; resolves once the other is free to fill. */
  private flush(): Promise<void> {
    const buffer = this.buffers[this.slot]!;
    const write = Promise.all([
      writeAll(this.file, buffer, this.filled, this.position),
      this.md5.update(buffer.subarray(0, this.filled)),
    ]).then(() => undefined);
    write.catch(() => undefined); // awaited in its turn; a failure meanwhile is not unhandled
    this.writes[this.slot] = write;
    this.position += this.filled;
    this.filled = 0;
    this.slot = 1 - this.slot;
    return this.writes[this.slot]!;
  }

  /** Waits for every write under way; then the buffers are free whether they succeeded or not. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.writes);
    giveBack(this.buffers);
    if (this.eTag === undefined) await this.md5.drop().catch(() => undefined);
  }
}

/**
 * Object bytes under `<data>/storage/<bucket>/<name>/<version>`; uploads still arriving under
 * `uploads` (on the same file system, so that finishing one is a rename).
 */
export class Disk {
  private readonly md5Thread = new Md5Thread();

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
   * A refused `body` is left to its request (see `pipeBody`).
   */
  async write(location: Location, body: Readable, maxBytes: number): Promise<StoredFile> {
    const file = this.fileOf(location);
    await mkdir(this.uploads, { recursive: true });
    const partial = path.join(this.uploads, randomUUID());
    const handle = await open(partial, "w");
    const upload = new UploadFile(handle, maxBytes, this.md5Thread.start());
    try {
      try {
        await pipeBody(body, upload);
      } finally {
        await upload.settle();
        await handle.close();
      }
      await mkdir(path.dirname(file), { recursive: true });
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      await this.remove(location);
      throw error;
    }
    return { size: upload.size, eTag: upload.eTag! };
  }

  /** Moves a finished file (a resumable upload's) into place as a version's file. */
  async adopt(location: Location, source: string): Promise<StoredFile> {
    const handle = await open(source, "r");
    const stored = await this.hashFile(handle).finally(() => handle.close());
    const file = this.fileOf(location);
    await mkdir(path.dirname(file), { recursive: true });
    await rename(source, file);
    return stored;
  }

  /**
   * A file's size and MD5, read through two reused buffers and hashed on the MD5 thread, as an
   * upload's bytes are: one buffer is read into while the other is hashed. Hashing on the event
   * loop instead held it some 20 ms per 10 MB here (now 2).
   */
  private async hashFile(file: FileHandle): Promise<StoredFile> {
    const md5 = this.md5Thread.start();
    const buffers = [takeBuffer(), takeBuffer()];
    const hashes: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
    let size = 0;
    try {
      for (let slot = 0; ; slot = 1 - slot) {
        await hashes[slot];
        const buffer = buffers[slot]!;
        const { bytesRead } = await file.read(buffer, 0, buffer.length, size);
        if (bytesRead === 0) break;
        size += bytesRead;
        const hash = md5.update(buffer.subarray(0, bytesRead));
        hash.catch(() => undefined); // awaited in its turn; a failure meanwhile is not unhandled
        hashes[slot] = hash;
      }
      await Promise.all(hashes);
      return { size, eTag: `"${await md5.digest()}"` };
    } catch (error) {
      await md5.drop().catch(() => undefined);
      throw error;
    } finally {
      // The thread may still be reading a buffer whose hash failed the loop: not reused before.
      await Promise.allSettled(hashes);
      giveBack(buffers);
    }
  }

  read(location: Location): Readable {
    return createReadStream(this.fileOf(location), { highWaterMark: transferBufferBytes });
  }

  /** A version's file opened for `sendRange`; rejects when it is missing. */
  open(location: Location): Promise<FileHandle> {
    return open(this.fileOf(location), "r");
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

  /** Ends the MD5 thread. */
  close(): Promise<void> {
    return this.md5Thread.close();
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
