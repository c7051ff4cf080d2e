// start.js's compile cache (supabase/stack/build-cache.js): a start reuses the last bundle only
// while every file it was built from, and everything else it was built with, is unchanged.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCached } from "../../supabase/stack/build-cache.js";

let dir: string;
let cacheFile: string;
const options = () => ({
  entryPoints: [path.join(dir, "entry.ts")],
  bundle: true,
  platform: "node" as const,
  format: "esm" as const,
  logLevel: "silent" as const,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pitlane-build-cache-"));
  cacheFile = path.join(dir, "cache", "main.json");
  await writeFile(
    path.join(dir, "entry.ts"),
    'import { word } from "./word.ts";\nconsole.log(word);\n',
  );
  await writeFile(path.join(dir, "word.ts"), 'export const word: string = "first";\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the stack's compile cache", () => {
  it("compiles once, then reuses the bundle while its inputs and key are unchanged", async () => {
    const first = await buildCached(options(), { cacheFile, key: "one" });
    expect(first).toMatchObject({ fromCache: false });
    expect(first.code).toContain('"first"');
    const second = await buildCached(options(), { cacheFile, key: "one" });
    expect(second).toEqual({ code: first.code, fromCache: true });
  });

  it("compiles again when a file the bundle imports changes, even at the same size", async () => {
    await writeFile(path.join(dir, "word.ts"), 'export const word: string = "again";\n');
    const changed = await buildCached(options(), { cacheFile, key: "one" });
    expect(changed).toMatchObject({ fromCache: false });
    expect(changed.code).toContain('"again"');
    expect(changed.code).not.toContain('"first"');
  });

  it("compiles again under another key", async () => {
    expect(await buildCached(options(), { cacheFile, key: "two" })).toMatchObject({
      fromCache: false,
    });
    expect(await buildCached(options(), { cacheFile, key: "two" })).toMatchObject({
      fromCache: true,
    });
  });

  it("compiles without a cache where it cannot write one", async () => {
    const unwritable = path.join(dir, "entry.ts", "main.json");
    const result = await buildCached(options(), { cacheFile: unwritable, key: "one" });
    expect(result).toMatchObject({ fromCache: false });
    expect(result.code).toContain('"again"');
  });
});
