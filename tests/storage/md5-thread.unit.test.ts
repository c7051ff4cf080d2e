// Uploads' MD5s, hashed on a thread of their own (supabase/stack/storage/md5-thread.ts).
import { createHash, randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { Md5Thread } from "../../supabase/stack/storage/md5-thread.ts";

const thread = new Md5Thread();
afterAll(() => thread.close());

const md5Of = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

describe("Md5Thread", () => {
  it("hashes bytes given through one reused shared buffer, several uploads at once", async () => {
    const uploads = [randomBytes(3 * 65536 + 5), randomBytes(65536), Buffer.alloc(0)];
    const buffers = uploads.map(() => Buffer.from(new SharedArrayBuffer(65536)));
    const hashes = uploads.map(() => thread.start());
    for (let offset = 0; offset < uploads[0]!.length; offset += 65536) {
      const updates: Promise<void>[] = [];
      for (const [i, bytes] of uploads.entries()) {
        const part = bytes.subarray(offset, offset + 65536);
        if (part.length === 0) continue;
        part.copy(buffers[i]!);
        updates.push(hashes[i]!.update(buffers[i]!.subarray(0, part.length)));
      }
      await Promise.all(updates);
    }
    const digests = await Promise.all(hashes.map((hash) => hash.digest()));
    expect(digests).toEqual(uploads.map(md5Of));
  });

  it("fails the hashes a stopped thread held, and starts a new thread for the next", async () => {
    const cutOff = thread.start();
    await cutOff.update(Buffer.from("partial"));
    await thread.close();
    await expect(cutOff.update(Buffer.from(" rest"))).rejects.toThrow("the MD5 thread failed");
    await expect(cutOff.digest()).rejects.toThrow();

    const next = thread.start();
    await next.update(Buffer.from("whole"));
    expect(await next.digest()).toBe(md5Of(Buffer.from("whole")));
  });
});
