// An upload's bytes on their way to disk (supabase/stack/storage/disk.ts): chunks as node:http
// hands them over, copied into the reused 1 MiB upload buffers, written and hashed.
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
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
