// `npm start`: compiles the stack (main.ts and everything it imports) into one JavaScript file with
// esbuild, then runs it in this process. Plain Node runs it: no tsx loader, whose hooks thread and
// per-module source maps held some 45 MB of a running stack's resident memory (issue 24).
// `node --import tsx supabase/stack/main.ts` still runs the same stack from its sources.
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCached } from "./build-cache.js";

const stackDir = import.meta.dirname;
const projectRoot = path.resolve(stackDir, "../..");

/**
 * Each module keeps its own import.meta.dirname and import.meta.url, as from its source file: the
 * stack finds its SQL, the studio's pages and the edge runtime's scripts beside its modules.
 */
const sourceLocation = {
  name: "source-location",
  /** @param {import("esbuild").PluginBuild} plugin */
  setup(plugin) {
    plugin.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
      const source = await readFile(file, "utf8");
      return {
        loader: "ts",
        contents: source
          .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(file)))
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(file).href)),
      };
    });
  },
};

/**
 * npm packages are not compiled in: each import names the file Node resolves from the stack's
 * folder, so the compiled file runs from anywhere (a user who cannot write to the project too).
 */
const packagesInPlace = {
  name: "packages-in-place",
  /** @param {import("esbuild").PluginBuild} plugin */
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, ({ path: specifier }) =>
      isBuiltin(specifier) ? undefined : { path: import.meta.resolve(specifier), external: true },
    );
  },
};

/**
 * What the bundle depends on besides its own input files: how this file builds it, from which
 * folder (the bundle names its folders), and the installed packages, esbuild and those whose files
 * its imports name (npm rewrites its hidden lockfile, node_modules/.package-lock.json, at every
 * install).
 */
async function buildKey() {
  const installed = await readFile(path.join(projectRoot, "node_modules/.package-lock.json")).catch(
    () => "",
  );
  return createHash("sha256")
    .update(await readFile(fileURLToPath(import.meta.url)))
    .update(stackDir)
    .update(installed)
    .digest("hex");
}

let compiled;
try {
  ({ code: compiled } = await buildCached(
    {
      entryPoints: [path.join(stackDir, "main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: "main.js",
      // Error stacks name the TypeScript files and lines.
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "error",
      plugins: [sourceLocation, packagesInPlace],
    },
    {
      cacheFile: path.join(projectRoot, "node_modules/.cache/pitlane-stack/main.json"),
      key: await buildKey(),
    },
  ));
} catch {
  // esbuild has printed what it could not compile.
  process.exit(1);
}

// A folder of this process's own, gone once Node has read the file (or the stack has exited).
const dir = await mkdtemp(path.join(tmpdir(), "pitlane-stack-"));
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, "main.js");
await writeFile(file, compiled);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(file).href);
await rm(dir, { recursive: true, force: true });
