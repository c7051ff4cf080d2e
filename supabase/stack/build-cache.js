// A cache for start.js's compile of the stack. esbuild takes some 0.8 s of CPU to bundle the
// stack, at every start: a quarter of a test stack's whole start on a template copy, and a test run
// starts dozens of stacks (issue 24). The bundle depends only on its input files and on how it was
// built, so a start whose inputs are unchanged since the last compile reuses it.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** The SHA-256 of each file, by path: what a bundle's inputs held when it was built. */
async function contentHashes(files) {
  const hashes = {};
  for (const file of files)
    hashes[file] = createHash("sha256")
      .update(await readFile(file))
      .digest("hex");
  return hashes;
}

/**
 * The cached bundle, if it was built with `key` from files that still hold what they held then:
 * their contents are compared (some 200 small files), not their times, which a checkout or a copy
 * can keep while the contents change.
 */
async function cachedCode(cacheFile, key) {
  let cached;
  try {
    cached = JSON.parse(await readFile(cacheFile, "utf8"));
  } catch {
    // None yet, unreadable (another user's project) or half a file from an older Pitlane.
    return undefined;
  }
  if (cached.key !== key) return undefined;
  const files = Object.keys(cached.inputs);
  const now = await contentHashes(files).catch(() => undefined);
  if (!now || files.some((file) => now[file] !== cached.inputs[file])) return undefined;
  return cached.code;
}

/**
 * esbuild's single output file for `options` (write: false), from `cacheFile` when `key` (whatever
 * else the output depends on: the caller's options, the installed packages…) and every input file
 * are as they were at the last compile; otherwise compiled and, if the folder is writable, kept
 * there for the next start. The file is replaced whole (written beside it, then renamed), so
 * stacks starting at the same moment never read half of one.
 */
export async function buildCached(options, { cacheFile, key }) {
  const cached = await cachedCode(cacheFile, key);
  if (cached !== undefined) return { code: cached, fromCache: true };
  // Loaded only to compile: importing esbuild alone takes some 0.2 s of CPU.
  const { build, stop } = await import("esbuild");
  let result;
  try {
    result = await build({ ...options, write: false, metafile: true });
  } finally {
    // Its service process is not needed once the stack is compiled.
    await stop();
  }
  const code = result.outputFiles[0].text;
  const workingDir = options.absWorkingDir ?? process.cwd();
  const inputs = await contentHashes(
    Object.keys(result.metafile.inputs).map((input) => path.resolve(workingDir, input)),
  );
  const partial = `${cacheFile}.${process.pid}`;
  try {
    await mkdir(path.dirname(cacheFile), { recursive: true });
    await writeFile(partial, JSON.stringify({ key, inputs, code }));
    await rename(partial, cacheFile);
  } catch {
    // A project this user cannot write to starts as before, compiling every time.
    await rm(partial, { force: true }).catch(() => {});
  }
  return { code, fromCache: false };
}
