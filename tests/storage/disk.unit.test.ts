// An upload's bytes on their way to disk (supabase/stack/storage/disk.ts): chunks as node:http
// hands them over, copied into the reused 1 MiB upload buffers, written and hashed; a resumable
// upload's finished file, read back through the same buffers and hashed.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Disk } from "../../supabase/stack/storage/disk.ts";

let folder: string;
let disk: Disk;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "pitlane-disk-"));
  disk = new Disk(path.join(folder, "objects"), path.join(folder, "uploads"));
});

afterAll(async () => {
  await disk.close();
  await rm(folder, { recursive: true, force: true });
});

/** `bytes` cut into chunks of the given sizes, in turn, each in a buffer of its own. */
function chunked(bytes: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    chunks.push(Buffer.from(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  return chunks;
}

describe("Disk.write", () => {
  it("stores the bytes and their MD5 whatever the chunks' sizes and offsets", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    // After an HTTP head the chunks are of any length, and so land at any offset in the upload
    // buffers; empty chunks, and chunks larger than a buffer (split across two), happen too.
    const chunks = chunked(bytes, [65536 - 301, 0, 65536, 1, 1024 * 1024 + 3, 4093]);
    const location = { bucket: "b", name: "odd-chunks.bin", version: "1" };

    const stored = await disk.write(location, Readable.from(chunks), Infinity);

    const md5 = createHash("md5").update(bytes).digest("hex");
    expect(stored).toEqual({ size: bytes.length, eTag: `"${md5}"` });
    expect((await readFile(disk.fileOf(location))).equals(bytes)).toBe(true);
  });
});

describe("Disk.adopt", () => {
  it("moves a finished file into place with its size and MD5", async () => {
    // More than two of the 1 MiB buffers it is read through, and not a whole number of them.
    const bytes = randomBytes(2 * 1024 * 1024 + 12345);
    const finished = path.join(folder, "finished.bin");
    await writeFile(finished, bytes);
    const location = { bucket: "b", name: "resumed.bin", version: "2" };

    const stored = await disk.adopt(location, finished);

    const md5 = createHash("md5").update(bytes).digest("hex");
    expect(stored).toEqual({ size: bytes.length, eTag: `"${md5}"` });
    expect((await readFile(disk.fileOf(location))).equals(bytes)).toBe(true);
    expect(existsSync(finished)).toBe(false);
  });

  it("adopts an empty file", async () => {
    const finished = path.join(folder, "empty.bin");
    await writeFile(finished, "");
    const stored = await disk.adopt({ bucket: "b", name: "empty.bin", version: "1" }, finished);
    expect(stored).toEqual({ size: 0, eTag: '"d41d8cd98f00b204e9800998ecf8427e"' });
  });
});
