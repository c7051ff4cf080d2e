import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { denoExecutable } from "../supabase/stack/edge-runtime/runtime.ts";
import {
  freePort,
  projectRoot,
  spawnStack,
  type SpawnedStack,
} from "../supabase/stack/spawn-stack.ts";
import { median, row, type BenchRow } from "./rows.ts";

const objectBytes = 10 * 1024 * 1024;
const runs = 3;
const calls = 50;

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

function megabytesPerSecond(bytes: number, elapsedSeconds: number[]): number {
  return bytes / 2 ** 20 / median(elapsedSeconds);
}

/** Upload and download of a 10 MB object through /storage/v1, next to writing and reading the same bytes with fs. */
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
  const up: number[] = [];
  const down: number[] = [];
  const write: number[] = [];
  const read: number[] = [];
  for (let i = 0; i < runs; i++) {
    up.push(
      await seconds(async () => {
        const response = await fetch(
          `${stack.apiUrl}/storage/v1/object/${bucket}/object-${i}.bin`,
          {
            method: "POST",
            headers: { ...auth, "content-type": "application/octet-stream" },
            body: bytes,
          },
        );
        if (!response.ok) throw new Error(`upload failed: ${await response.text()}`);
      }),
    );
    down.push(
      await seconds(async () =>
        (
          await fetch(`${stack.apiUrl}/storage/v1/object/${bucket}/object-${i}.bin`, {
            headers: auth,
          })
        ).arrayBuffer(),
      ),
    );
    const file = path.join(scratch, `object-${i}.bin`);
    write.push(await seconds(() => writeFile(file, bytes)));
    read.push(await seconds(() => readFile(file)));
  }
  await rm(scratch, { recursive: true, force: true });
  return [
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
      "fs.readFile",
      megabytesPerSecond(objectBytes, read),
      "MB/s",
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
