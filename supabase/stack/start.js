// `npm start`: compiles the stack (main.ts and everything it imports) into one JavaScript file with
// esbuild, then runs it in this process. Plain Node runs it: no tsx loader, whose hooks thread and
// per-module source maps held some 45 MB of a running stack's resident memory (issue 24).
// `node --import tsx supabase/stack/main.ts` still runs the same stack from its sources.
import { build, stop } from "esbuild";
import { rmSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const stackDir = import.meta.dirname;

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

let compiled;
try {
  ({
    outputFiles: [compiled],
  } = await build({
    entryPoints: [path.join(stackDir, "main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: "main.js",
    // Error stacks name the TypeScript files and lines.
    sourcemap: "inline",
    sourcesContent: false,
    write: false,
    logLevel: "error",
    plugins: [sourceLocation, packagesInPlace],
  }));
} catch {
  // esbuild has printed what it could not compile.
  process.exit(1);
} finally {
  // Its service process is not needed once the stack is compiled.
  await stop();
}

// A folder of this process's own, gone once Node has read the file (or the stack has exited).
const dir = await mkdtemp(path.join(tmpdir(), "pitlane-stack-"));
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, "main.js");
await writeFile(file, compiled.contents);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(file).href);
await rm(dir, { recursive: true, force: true });
