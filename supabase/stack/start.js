// `npm start`: compiles the stack (main.ts and everything it imports) into one JavaScript file with
// esbuild, then runs it in this process. Plain Node runs it: no tsx loader, whose hooks thread and
// per-module source maps held some 45 MB of a running stack's resident memory (issue 24).
// `node --import tsx supabase/stack/main.ts` still runs the same stack from its sources.
import { build, stop } from "esbuild";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const stackDir = import.meta.dirname;
const outDir = path.resolve(stackDir, "../../node_modules/.cache/pitlane-stack");

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

let outputs;
try {
  ({ outputFiles: outputs } = await build({
    entryPoints: [path.join(stackDir, "main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // npm packages load from node_modules as they are; only the stack's own code is compiled.
    packages: "external",
    outfile: path.join(outDir, "main.js"),
    // Error stacks name the TypeScript files and lines.
    sourcemap: "linked",
    sourcesContent: false,
    write: false,
    logLevel: "error",
    plugins: [sourceLocation],
  }));
} catch {
  // esbuild has printed what it could not compile.
  process.exit(1);
} finally {
  // Its service process is not needed once the stack is compiled.
  await stop();
}

// Written under a name of this process's own, then renamed: two stacks starting at once each read
// a whole file.
await mkdir(outDir, { recursive: true });
for (const output of outputs) {
  const partial = `${output.path}.${process.pid}`;
  await writeFile(partial, output.contents);
  await rename(partial, output.path);
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(outDir, "main.js")).href);
