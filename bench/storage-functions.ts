import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { denoExecutable } from "../supabase/stack/edge-runtime/runtime.ts";
import {
  freePort,
  projectRoot,
  spawnStack,
  type SpawnedStack,
} from "../supabase/stack/spawn-stack.ts";
import { processInfo } from "../tests/helpers/processes.ts";
import { bulkRequest } from "./bulk-http.ts";
import { median, row, type BenchRow } from "./rows.ts";

const objectBytes = 10 * 1024 * 1024;
const runs = 5;
const calls = 50;
/**
 * Untimed rounds before the timed ones, for the stack, the bare server and fs alike. On this
 * machine (a VM where touching 10 MB of new memory costs about 40 ms of page faults, and
 * rewriting the same 10 MB 0.5 ms) a server's first 10 MB uploads measure its memory growing,
 * not the transfer: node:http copies each received chunk into a new buffer, V8 frees them only
 * once some 32 MB of them are waiting (twice its largest semi-space), and until then glibc's
 * heap grows into new pages. The stack's first four uploads faulted 4,132, 2,501, 2,802 and 425
 * pages, later ones 0–276 (the bare server alike); with five runs, the median was one of those.
 * (Some processes go on faulting 700–2,000 pages per upload: glibc hands the freed heap back.)
 */
const warmUpRuns = 4;

/**
 * A file read into `into` (a buffer reused, as a download's is), the baseline of the downloads:
 * fs.readFile also allocates a new 10 MB buffer, whose faults (2,560 new pages, about 40 ms
 * here) made it 250 MB/s, against 5,000 into a reused buffer.
 */
async function readInto(file: string, into: Buffer): Promise<void> {
  const handle = await open(file, "r");
  try {
    for (let done = 0; done < into.length;) {
      const { bytesRead } = await handle.read(into, done, into.length - done, done);
      if (bytesRead === 0) throw new Error(`${file}: shorter than ${into.length} bytes`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** `round` run `warmUpRuns` times untimed, then `runs` times: the timed rounds' results. */
async function timedRounds<T>(round: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < warmUpRuns + runs; i++) {
    const result = await round(i);
    if (i >= warmUpRuns) results.push(result);
  }
  return results;
}

async function seconds(work: () => unknown): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function megabytesPerSecond(bytes: number, elapsedSeconds: number[]): number {
  return bytes / 2 ** 20 / median(elapsedSeconds);
}

/**
 * One 10 MB transfer through `bulkRequest`, for the stack and the bare server alike: it must
 * answer 200, and a download must bring back the uploaded bytes (compared after the clock stops).
 * A download lands in `into`, one buffer for every run: a new 10 MB buffer per download is 2,560
 * new pages whose faults (50–150 ms here) were charged to the server.
 */
async function transfer(
  url: string,
  method: "GET" | "POST",
  headers: Record<string, string>,
  body?: Buffer,
  into?: Buffer,
): Promise<{ elapsed: number; received: Buffer }> {
  const started = performance.now();
  const response = await bulkRequest(new URL(url), method, headers, body, into);
  const elapsed = (performance.now() - started) / 1000;
  if (response.status !== 200)
    throw new Error(`${method} ${url}: ${response.status} ${response.body.toString()}`);
  return { elapsed, received: response.body };
}

/** A download's time, once its bytes are known to be the upload's. */
async function downloadSeconds(
  url: string,
  headers: Record<string, string>,
  bytes: Buffer,
  into: Buffer,
) {
  const { elapsed, received } = await transfer(url, "GET", headers, undefined, into);
  if (!received.equals(bytes)) throw new Error(`GET ${url}: not the bytes uploaded`);
  return elapsed;
}

/**
 * Upload and download of a 10 MB object through /storage/v1, next to writing and reading the same
 * bytes with fs; a resumable upload next to the standard one; a thumbnail next to sharp itself.
 */
async function storageRows(stack: SpawnedStack): Promise<BenchRow[]> {
  const bytes = randomBytes(objectBytes);
  const auth = { authorization: `Bearer ${stack.serviceRoleKey}` };
  const bucket = "bench";
  await fetch(`${stack.apiUrl}/storage/v1/bucket`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ name: bucket }),
  });
  const scratch = await mkdtemp(path.join(tmpdir(), "pitlane-bench-"));
  const received = Buffer.alloc(objectBytes);
  const rounds = await timedRounds(async (i) => {
    const url = `${stack.apiUrl}/storage/v1/object/${bucket}/object-${i}.bin`;
    const upload = { ...auth, "content-type": "application/octet-stream" };
    const file = path.join(scratch, `object-${i}.bin`);
    return {
      up: (await transfer(url, "POST", upload, bytes)).elapsed,
      down: await downloadSeconds(url, auth, bytes, received),
      write: await seconds(() => writeFile(file, bytes)),
      md5: await seconds(() => createHash("md5").update(bytes).digest()),
      read: await seconds(() => readInto(file, received)),
      readFile: await seconds(() => readFile(file)),
    };
  });
  await rm(scratch, { recursive: true, force: true });
  const up = rounds.map((round) => round.up);
  const down = rounds.map((round) => round.down);
  const write = rounds.map((round) => round.write);
  const md5 = rounds.map((round) => round.md5);
  const read = rounds.map((round) => round.read);
  const readWhole = rounds.map((round) => round.readFile);
  const resumable: number[] = [];
  for (let i = 0; i < runs; i++)
    resumable.push(await seconds(() => resumableUpload(stack, bucket, `tus-${i}.bin`, bytes)));
  const bare = await bareServerFigures(bytes);
  return [
    row(
      "resumable (TUS) upload, 10 MB in 6 MB chunks",
      megabytesPerSecond(objectBytes, resumable),
      "standard upload",
      megabytesPerSecond(objectBytes, up),
      "MB/s",
    ),
    ...(await thumbnailRows(stack, bucket)),
    row(
      "storage upload, 10 MB",
      megabytesPerSecond(objectBytes, up),
      "fs.writeFile",
      megabytesPerSecond(objectBytes, write),
      "MB/s",
    ),
    row(
      "storage download, 10 MB",
      megabytesPerSecond(objectBytes, down),
      "fs read into a reused buffer",
      megabytesPerSecond(objectBytes, read),
      "MB/s",
    ),
    row(
      "fs.readFile, 10 MB (a new buffer each)",
      megabytesPerSecond(objectBytes, readWhole),
      "fs read into a reused buffer",
      megabytesPerSecond(objectBytes, read),
      "MB/s",
    ),
    // An upload's ceiling as storage-api makes one: its ETag is the bytes' MD5 (S3's, and the
    // file backend's by default), which one core computes no faster than this, however the
    // receiving and writing overlap with it.
    row(
      "MD5 of 10 MB (the ETag), one core",
      megabytesPerSecond(objectBytes, md5),
      "fs.writeFile",
      megabytesPerSecond(objectBytes, write),
      "MB/s",
    ),
    // The ceiling: what any Node.js HTTP server reaches against fs on this machine.
    row(
      "bare node:http server upload, 10 MB",
      bare.up,
      "fs.writeFile",
      megabytesPerSecond(objectBytes, write),
      "MB/s",
    ),
    row(
      "bare node:http server download, 10 MB",
      bare.down,
      "fs read into a reused buffer",
      megabytesPerSecond(objectBytes, read),
      "MB/s",
    ),
    row(
      "storage upload, 10 MB",
      megabytesPerSecond(objectBytes, up),
      "bare node:http server",
      bare.up,
      "MB/s",
    ),
    row(
      "storage download, 10 MB",
      megabytesPerSecond(objectBytes, down),
      "bare node:http server",
      bare.down,
      "MB/s",
    ),
    ...(await streamedUploadRows(stack, bucket)),
  ];
}

/**
 * The least any Node.js HTTP server can do with the same requests: a bare node:http server in a
 * process of its own that streams an upload to a file and a file to the response, nothing else.
 */
const bareServer = `
import { createServer } from "node:http";
import { createReadStream, createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
const [file] = process.argv.slice(1);
const server = createServer(async (req, res) => {
  if (req.method === "POST") {
    await pipeline(req, createWriteStream(file));
    res.end("{}");
  } else {
    res.writeHead(200, { "content-length": ${objectBytes} });
    await pipeline(createReadStream(file, { highWaterMark: 1024 * 1024 }), res);
  }
});
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

/** Upload and download of 10 MB with a bare node:http server (`bareServer`), the same client. */
async function bareServerFigures(bytes: Buffer): Promise<{ up: number; down: number }> {
  const scratch = await mkdtemp(path.join(tmpdir(), "pitlane-bench-"));
  const server = spawn(
    process.execPath,
    ["--input-type=module", "-e", bareServer, path.join(scratch, "object.bin")],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const port = await new Promise<string>((resolve) =>
      server.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim())),
    );
    const url = `http://127.0.0.1:${port}/object.bin`;
    const received = Buffer.alloc(objectBytes);
    const rounds = await timedRounds(async () => ({
      up: (await transfer(url, "POST", {}, bytes)).elapsed,
      down: await downloadSeconds(url, {}, bytes, received),
    }));
    return {
      up: megabytesPerSecond(
        objectBytes,
        rounds.map((round) => round.up),
      ),
      down: megabytesPerSecond(
        objectBytes,
        rounds.map((round) => round.down),
      ),
    };
  } finally {
    server.kill();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A process's resident memory, from /proc (Linux); undefined elsewhere. */
const residentBytes = async (pid: number) => (await processInfo(pid))?.rss;

const streamedBytes = 200 * 1024 * 1024;

/**
 * How much the stack's memory grows while it takes a 200 MB upload made by a generator as it is
 * sent (no Content-Length): streamed to disk, it grows by its buffers, not by the file.
 */
async function streamedUploadRows(stack: SpawnedStack, bucket: string): Promise<BenchRow[]> {
  const pid = stack.child.pid!;
  const before = await residentBytes(pid);
  if (before === undefined) return [];
  let peak = before;
  const sampler = setInterval(() => {
    void residentBytes(pid).then((now) => (peak = Math.max(peak, now ?? 0)));
  }, 20);
  const chunk = randomBytes(1024 * 1024);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= streamedBytes) {
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(new Uint8Array(chunk));
      },
    },
    { highWaterMark: 0 },
  );
  try {
    const response = await fetch(`${stack.apiUrl}/storage/v1/object/${bucket}/streamed.bin`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.serviceRoleKey}`,
        "content-type": "application/octet-stream",
      },
      body,
      duplex: "half",
    } as RequestInit);
    if (!response.ok) throw new Error(`streamed upload failed: ${await response.text()}`);
  } finally {
    clearInterval(sampler);
  }
  const megabytes = (bytes: number) => bytes / 2 ** 20;
  return [
    row(
      "stack memory growth during a 200 MB streamed upload",
      megabytes(peak - before),
      "the upload's size",
      megabytes(streamedBytes),
      "MB",
    ),
  ];
}

/** Supabase's recommended chunk size for resumable uploads. */
const tusChunk = 6 * 1024 * 1024;

/** A resumable upload as tus-js-client makes it: create, then one PATCH per chunk. */
async function resumableUpload(
  stack: SpawnedStack,
  bucket: string,
  name: string,
  bytes: Buffer,
): Promise<void> {
  const headers = { authorization: `Bearer ${stack.serviceRoleKey}`, "Tus-Resumable": "1.0.0" };
  const created = await fetch(`${stack.apiUrl}/storage/v1/upload/resumable`, {
    method: "POST",
    headers: {
      ...headers,
      "Upload-Length": String(bytes.length),
      "Upload-Metadata": `bucketName ${Buffer.from(bucket).toString("base64")},objectName ${Buffer.from(name).toString("base64")}`,
    },
  });
  if (created.status !== 201) throw new Error(`resumable create failed: ${await created.text()}`);
  const url = created.headers.get("location")!;
  for (let offset = 0; offset < bytes.length; offset += tusChunk) {
    const patched = await fetch(url, {
      method: "PATCH",
      headers: {
        ...headers,
        "Upload-Offset": String(offset),
        "Content-Type": "application/offset+octet-stream",
      },
      body: bytes.subarray(offset, offset + tusChunk) as Uint8Array<ArrayBuffer>,
    });
    if (patched.status !== 204) throw new Error(`resumable PATCH failed: ${await patched.text()}`);
  }
}

/** A 320×240 WebP thumbnail of a 1600×1200 JPEG through /render/image, next to sharp in process. */
async function thumbnailRows(stack: SpawnedStack, bucket: string): Promise<BenchRow[]> {
  const photo = await sharp({
    create: {
      width: 1600,
      height: 1200,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 128, sigma: 30 },
    },
  })
    .jpeg()
    .toBuffer();
  const uploaded = await fetch(`${stack.apiUrl}/storage/v1/object/${bucket}/photo.jpg`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.serviceRoleKey}`, "content-type": "image/jpeg" },
    body: new Uint8Array(photo),
  });
  if (!uploaded.ok) throw new Error(`photo upload failed: ${await uploaded.text()}`);
  const url = `${stack.apiUrl}/storage/v1/render/image/authenticated/${bucket}/photo.jpg?width=320&height=240&resize=cover&format=webp`;
  const viaStorage = await millisecondsPerCall(url, {
    authorization: `Bearer ${stack.serviceRoleKey}`,
  });
  const direct: number[] = [];
  for (let i = 0; i < calls; i++)
    direct.push(
      await seconds(() =>
        sharp(photo)
          .resize({ width: 320, height: 240, fit: "cover" })
          .webp({ quality: 80 })
          .toBuffer(),
      ),
    );
  return [
    row(
      "thumbnail via /render/image (1600×1200 JPEG → 320×240 WebP)",
      viaStorage,
      "sharp in process",
      (direct.reduce((a, b) => a + b, 0) / calls) * 1000,
      "ms",
    ),
  ];
}

async function millisecondsPerCall(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  await (await fetch(url, { headers })).text(); // boots the worker
  const started = performance.now();
  for (let i = 0; i < calls; i++) await (await fetch(url, { headers })).text();
  return (performance.now() - started) / calls;
}

/** A call to a function through /functions/v1, next to calling the same handler on a bare Deno.serve. */
async function functionRows(stack: SpawnedStack): Promise<BenchRow[]> {
  const viaGateway = await millisecondsPerCall(`${stack.apiUrl}/functions/v1/open`);
  const port = await freePort();
  const deno = spawn(denoExecutable(), ["run", "--no-config", "--allow-net", "-"], {
    stdio: ["pipe", "ignore", "ignore"],
  });
  deno.stdin.end(
    `Deno.serve({ port: ${port}, hostname: "127.0.0.1" }, () => new Response("open to anyone"));`,
  );
  let direct: number | undefined;
  for (let tries = 0; direct === undefined && tries < 100; tries++) {
    direct = await millisecondsPerCall(`http://127.0.0.1:${port}/`).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return undefined;
    });
  }
  deno.kill();
  return [row("function call (verify_jwt off)", viaGateway, "Deno.serve directly", direct!, "ms")];
}

export async function benchStorageAndFunctions(): Promise<BenchRow[]> {
  const fixtures = path.join(projectRoot, "tests/fixtures/functions");
  const stack = await spawnStack({
    args: ["--functions", fixtures, "--config", path.join(fixtures, "config.toml")],
  });
  try {
    return [...(await storageRows(stack)), ...(await functionRows(stack))];
  } finally {
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
