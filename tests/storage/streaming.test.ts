import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readlink, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newDataDir, spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { stack } from "../helpers/db.ts";
import { requestKeptAlive, streamedBytes } from "../helpers/keep-alive.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import { bucketName, createBucketRow, filesOnDisk, objectRows, storageFetch } from "./helpers.ts";

const service = () => supabaseClient(stack().serviceRoleKey);
const quotedMd5 = (bytes: Buffer) => `"${createHash("md5").update(bytes).digest("hex")}"`;

/** What storage-api answers for a range it cannot serve. */
const invalidRange = {
  statusCode: "416",
  code: "InvalidRange",
  error: "invalid_range",
  message: "invalid range provided",
};

describe("ranged downloads", () => {
  const publicBucket = bucketName("ranges-public");
  const privateBucket = bucketName("ranges-private");
  /** Each way of downloading `digits.txt` ("0123456789"), keyed by route. */
  const routes: Record<string, { url: () => string; token?: string }> = {};

  beforeAll(async () => {
    await createBucketRow(publicBucket, { public: true });
    await createBucketRow(privateBucket);
    for (const bucket of [publicBucket, privateBucket])
      await service()
        .storage.from(bucket)
        .upload("digits.txt", "0123456789", { contentType: "text/plain" });
    const { data: signed } = await service()
      .storage.from(privateBucket)
      .createSignedUrl("digits.txt", 600);
    routes.public = { url: () => `/object/public/${publicBucket}/digits.txt`, token: "" };
    routes.authenticated = { url: () => `/object/authenticated/${privateBucket}/digits.txt` };
    routes.signed = {
      url: () => signed!.signedUrl.replace(`${stack().apiUrl}/storage/v1`, ""),
      token: "",
    };
  });

  it.each(["public", "authenticated", "signed"])(
    "answers bytes=a-b, bytes=a- and bytes=-n with 206 and Content-Range on %s downloads",
    async (route) => {
      const { url, token } = routes[route]!;
      const whole = await storageFetch(url(), { token });
      expect(whole.status).toBe(200);
      expect(whole.headers.get("content-length")).toBe("10");
      expect(whole.headers.get("accept-ranges")).toBe("bytes");
      expect(whole.headers.get("content-range")).toBeNull();
      expect(await whole.text()).toBe("0123456789");

      const cases: [string, string, string][] = [
        ["bytes=2-5", "2345", "bytes 2-5/10"],
        ["bytes=0-0", "0", "bytes 0-0/10"],
        ["bytes=7-", "789", "bytes 7-9/10"],
        ["bytes=-3", "789", "bytes 7-9/10"],
        ["bytes=-99", "0123456789", "bytes 0-9/10"],
        ["bytes=8-99", "89", "bytes 8-9/10"],
      ];
      for (const [range, body, contentRange] of cases) {
        const part = await storageFetch(url(), { token, headers: { range } });
        expect(part.status, range).toBe(206);
        expect(part.headers.get("content-range"), range).toBe(contentRange);
        expect(part.headers.get("content-length"), range).toBe(String(body.length));
        // A part carries the whole object's validators.
        expect(part.headers.get("etag")).toBe(whole.headers.get("etag"));
        expect(part.headers.get("last-modified")).toBe(whole.headers.get("last-modified"));
        expect(await part.text(), range).toBe(body);
      }
    },
  );

  it.each(["public", "authenticated", "signed"])(
    "answers a range it cannot serve with 416 and the object's size on %s downloads",
    async (route) => {
      const { url, token } = routes[route]!;
      for (const range of [
        "bytes=10-12",
        "bytes=-0",
        "bytes=5-2",
        "bytes=-",
        "bytes=a-b",
        "bytes=0-1,4-5",
        "items=0-1",
      ]) {
        const refused = await storageFetch(url(), { token, headers: { range } });
        expect(refused.status, range).toBe(416);
        expect(refused.headers.get("content-range"), range).toBe("bytes */10");
        expect(await refused.json(), range).toEqual(invalidRange);
      }
    },
  );

  it("answers HEAD from the object's row, whole, whatever the Range; HEAD of a signed URL as its GET", async () => {
    for (const [url, token] of [
      [`/object/${privateBucket}/digits.txt`, undefined],
      [`/object/authenticated/${privateBucket}/digits.txt`, undefined],
      [`/object/public/${publicBucket}/digits.txt`, ""],
    ] as const) {
      const head = await storageFetch(url, {
        method: "HEAD",
        token,
        headers: { range: "bytes=2-5" },
      });
      expect(head.status, url).toBe(200);
      expect(head.headers.get("content-length"), url).toBe("10");
      expect(head.headers.get("content-range"), url).toBeNull();
      expect(head.headers.get("etag"), url).toBe(quotedMd5(Buffer.from("0123456789")));
      expect(head.headers.get("last-modified"), url).toMatch(/ GMT$/);
    }

    const signed = routes.signed!.url();
    const part = await storageFetch(signed, {
      method: "HEAD",
      token: "",
      headers: { range: "bytes=2-5" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 2-5/10");
    expect(part.headers.get("content-length")).toBe("4");
    expect(await part.text()).toBe("");
    const refused = await storageFetch(signed, {
      method: "HEAD",
      token: "",
      headers: { range: "bytes=10-" },
    });
    expect(refused.status).toBe(416);
    expect(refused.headers.get("content-range")).toBe("bytes */10");
  });

  it("serves any slice of a large object with the row's ETag, Last-Modified and length", async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const uploaded = await storageFetch(`/object/${privateBucket}/large.bin`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(uploaded.status).toBe(200);
    const [row] = (await objectRows(privateBucket)).filter((r) => r.name === "large.bin");
    expect(row!.metadata).toMatchObject({ size: bytes.length, eTag: quotedMd5(bytes) });

    const whole = await storageFetch(`/object/authenticated/${privateBucket}/large.bin`);
    expect(whole.headers.get("etag")).toBe(quotedMd5(bytes));
    expect(whole.headers.get("content-length")).toBe(String(bytes.length));
    expect(whole.headers.get("last-modified")).toBe(
      new Date(row!.metadata.lastModified as string).toUTCString(),
    );
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const [start, end] = [1024 * 1024 - 3, 2 * 1024 * 1024 + 5];
    const slice = await storageFetch(`/object/authenticated/${privateBucket}/large.bin`, {
      headers: { range: `bytes=${start}-${end}` },
    });
    expect(slice.status).toBe(206);
    expect(slice.headers.get("content-range")).toBe(`bytes ${start}-${end}/${bytes.length}`);
    expect(Buffer.from(await slice.arrayBuffer()).equals(bytes.subarray(start, end + 1))).toBe(
      true,
    );
  });
});

/** The uploads still arriving in a stack's data folder, with their sizes. */
async function partialUploads(dataDir: string): Promise<number[]> {
  const folder = path.join(dataDir, "storage-uploads");
  const names = await readdir(folder).catch(() => []);
  const sizes = await Promise.all(
    names.map((name) =>
      stat(path.join(folder, name)).then(
        (entry) => entry.size,
        () => 0, // finished (moved into place) between readdir and stat
      ),
    ),
  );
  return sizes;
}

/** Waits until a stack has no upload in progress (it finishes a cut-off one on its own time). */
async function noUploadInProgress(dataDir: string): Promise<void> {
  for (let tries = 0; (await partialUploads(dataDir)).length > 0; tries++) {
    if (tries > 600) throw new Error("an upload stayed in progress");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A request body of `total` bytes in 1 MiB chunks, made as it is read; `onPull` sees each. */
function generatedBody(
  total: number,
  onPull: (produced: number) => Promise<void> = () => Promise.resolve(),
): { body: ReadableStream<Uint8Array>; md5: () => string } {
  const chunk = randomBytes(1024 * 1024);
  const md5 = createHash("md5");
  let produced = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        await onPull(produced);
        if (produced >= total) {
          controller.close();
          return;
        }
        const next = chunk.subarray(0, Math.min(chunk.length, total - produced));
        produced += next.length;
        md5.update(next);
        controller.enqueue(new Uint8Array(next));
      },
    },
    { highWaterMark: 0 },
  );
  return { body, md5: () => `"${md5.digest("hex")}"` };
}

describe("streamed uploads", () => {
  const bucket = bucketName("streaming");

  beforeAll(async () => {
    await createBucketRow(bucket, { fileSizeLimit: 1024 * 1024 });
  });

  it("refuses a streamed body (no Content-Length) once it passes the bucket's limit, leaving nothing", async () => {
    const { body } = generatedBody(3 * 1024 * 1024);
    const refused = await storageFetch(`/object/${bucket}/too-big.bin`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: "413", code: "EntityTooLarge" });
    await noUploadInProgress(stack().dataDir);
    expect(await objectRows(bucket)).toEqual([]);
    expect(await filesOnDisk(bucket)).toEqual([]);
  });

  it("answers the client's next request on the same connection after refusing a streamed body", async () => {
    const ownBucket = bucketName("streaming-next");
    await createBucketRow(ownBucket, { fileSizeLimit: 1024 * 1024 });
    const url = (name: string) => `${stack().apiUrl}/storage/v1/object/${ownBucket}/${name}`;
    const headers = {
      authorization: `Bearer ${stack().serviceRoleKey}`,
      "content-type": "application/octet-stream",
    };
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await requestKeptAlive(agent, url("too-big.bin"), {
        method: "POST",
        headers,
        body: streamedBytes(3 * 1024 * 1024),
      });
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: "413", code: "EntityTooLarge" });
      const next = await requestKeptAlive(agent, url("after.bin"), {
        method: "POST",
        headers,
        body: streamedBytes(1000),
      });
      expect(next).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
    expect((await objectRows(ownBucket)).map((row) => row.name)).toEqual(["after.bin"]);
  });

  it("leaves no row and no file when the client aborts an upload midway", async () => {
    const aborted = new AbortController();
    const { body } = generatedBody(900 * 1024, async (produced) => {
      // Half sent: wait until the stack has opened its file for it, then hang up.
      if (produced < 450 * 1024) return;
      for (let tries = 0; tries < 600; tries++) {
        if ((await partialUploads(stack().dataDir)).length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      aborted.abort();
    });
    await expect(
      storageFetch(`/object/${bucket}/cut-off.bin`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body,
        duplex: "half",
        signal: aborted.signal,
      } as RequestInit),
    ).rejects.toThrow();
    await noUploadInProgress(stack().dataDir);
    expect(await objectRows(bucket)).toEqual([]);
    expect(await filesOnDisk(bucket)).toEqual([]);
  });
});

describe("a stack of its own: large uploads, and a restart after a crash", () => {
  const total = 200 * 1024 * 1024;
  let big: SpawnedStack;
  let dataDir: string;

  beforeAll(async () => {
    // An upload a crash cut off, as the stack would find it at its next start.
    dataDir = await newDataDir();
    await mkdir(path.join(dataDir, "storage-uploads"));
    await writeFile(path.join(dataDir, "storage-uploads", "cut-off"), "partial bytes");
    // The shared stack keeps config.toml's 50 MiB limit.
    await writeFile(`${dataDir}.toml`, '[storage]\nfile_size_limit = "300MiB"\n');
    big = await spawnStack({ dataDir, args: ["--config", `${dataDir}.toml`] });
  });

  afterAll(async () => {
    await big?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(`${dataDir}.toml`, { force: true });
  });

  it("discards at start the uploads a crash cut off", async () => {
    expect(await partialUploads(dataDir)).toEqual([]);
  });

  it("sends downloads running at once each with its own bytes, to clients that read late", async () => {
    const auth = { authorization: `Bearer ${big.serviceRoleKey}` };
    await fetch(`${big.apiUrl}/storage/v1/bucket`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ name: "together" }),
    });
    // Larger than the sockets' buffers (tcp_rmem up to 32 MiB, tcp_wmem 4 MiB): while a client
    // waits, the stack's writes stay pending on its read buffers. One read into such a buffer
    // before its write completed would show here as another part's or object's bytes.
    const objects = Array.from({ length: 2 }, () => randomBytes(48 * 1024 * 1024));
    const urls = objects.map((_, i) => `${big.apiUrl}/storage/v1/object/together/${i}.bin`);
    for (const [i, bytes] of objects.entries()) {
      const uploaded = await fetch(urls[i]!, {
        method: "POST",
        headers: { ...auth, "content-type": "application/octet-stream" },
        body: bytes,
      });
      expect(uploaded.status).toBe(200);
    }
    const from = 5 * 1024 * 1024 + 1;
    const downloads = objects.flatMap((bytes, i) => [
      { expected: bytes, response: fetch(urls[i]!, { headers: auth }) },
      {
        expected: bytes.subarray(from),
        response: fetch(urls[i]!, { headers: { ...auth, range: `bytes=${from}-` } }),
      },
    ]);
    const answered = await Promise.all(downloads.map(({ response }) => response));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const [i, { expected }] of downloads.entries()) {
      const body = Buffer.from(await answered[i]!.arrayBuffer());
      expect(body.length).toBe(expected.length);
      expect(body.equals(expected)).toBe(true);
    }
  });

  it("closes an object's file when its client hangs up midway, and serves the next download whole", async () => {
    const auth = { authorization: `Bearer ${big.serviceRoleKey}` };
    await fetch(`${big.apiUrl}/storage/v1/bucket`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ name: "hang-up" }),
    });
    const bytes = randomBytes(96 * 1024 * 1024);
    const url = `${big.apiUrl}/storage/v1/object/hang-up/large.bin`;
    const uploaded = await fetch(url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(uploaded.status).toBe(200);
    const objectFiles = path.join(dataDir, "storage", "hang-up");
    /** The stack's open files under the bucket's folder, from /proc (Linux). */
    const openObjectFiles = async () => {
      const fds = path.join("/proc", String(big.child.pid), "fd");
      const targets = await Promise.all(
        (await readdir(fds)).map((fd) => readlink(path.join(fds, fd)).catch(() => "")),
      );
      return targets.filter((target) => target.startsWith(objectFiles + path.sep));
    };

    const hangUp = new AbortController();
    const download = await fetch(url, { headers: auth, signal: hangUp.signal });
    const reader = download.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    // The stack is still sending: 96 MB is far more than the sockets between them hold (tcp_rmem
    // up to 32 MiB, tcp_wmem 4 MiB).
    expect(await openObjectFiles()).toHaveLength(1);
    hangUp.abort();
    for (let tries = 0; (await openObjectFiles()).length > 0; tries++) {
      if (tries > 600) throw new Error("the object's file stayed open");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const again = await fetch(url, { headers: auth });
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("writes a 200 MB upload streamed from a generator as it arrives, never gathering it in memory", async () => {
    const auth = { authorization: `Bearer ${big.serviceRoleKey}` };
    const created = await fetch(`${big.apiUrl}/storage/v1/bucket`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ name: "big" }),
    });
    expect(created.status).toBe(200);
    // What may sit between the generator and the file: the socket's buffers (tcp_rmem allows up
    // to 32 MiB, tcp_wmem 4 MiB), fetch's and the stack's stream buffers (a few MiB).
    const inFlight = 64 * 1024 * 1024;
    const lags: number[] = [];
    const { body, md5 } = generatedBody(total, async (produced) => {
      if (produced % (16 * 1024 * 1024) !== 0 || produced < 100 * 1024 * 1024) return;
      const written = Math.max(0, ...(await partialUploads(big.dataDir)));
      lags.push(produced - written);
    });
    const uploaded = await fetch(`${big.apiUrl}/storage/v1/object/big/generated.bin`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/octet-stream" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(uploaded.status).toBe(200);
    // Had the stack read the whole body before writing, nothing would be on disk yet and the
    // lag would be everything produced (100 MB and more).
    expect(lags.length).toBeGreaterThan(0);
    for (const lag of lags) expect(lag).toBeLessThan(inFlight);

    const info = await fetch(`${big.apiUrl}/storage/v1/object/info/big/generated.bin`, {
      headers: auth,
    });
    expect(await info.json()).toMatchObject({ size: total, etag: md5() });
    expect(await partialUploads(big.dataDir)).toEqual([]);
  });
});
