// `npm install` runs this (package.json's postinstall): it fills the functions' Deno cache
// (functionsDenoDir, inside node_modules) with every module the project's functions import, so
// the stack serves them with the network off and a function's first call downloads nothing.
// A failure warns and lets the install finish: functions then download on their first call.
import path from "node:path";
import { defaultOptions } from "../cli/options.ts";
import { loadProjectConfig } from "../config/project-config.ts";
import { listFunctions } from "./catalog.ts";
import { cacheFunctions, denoExecutable, functionsDenoDir } from "./runtime.ts";

const config = await loadProjectConfig(defaultOptions.config);
const specs = await listFunctions(config, {
  functionsDir: defaultOptions.functions,
  configDir: path.dirname(defaultOptions.config),
});
const started = Date.now();
const result = await cacheFunctions(denoExecutable(), specs);
const where = path.relative(process.cwd(), functionsDenoDir);
if (result.ok) {
  console.log(
    `edge functions: cached the imports of ${specs.map((spec) => spec.name).join(", ")} in ${where} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} else {
  console.warn(
    `edge functions: caching their imports in ${where} failed; they will download them on their first call.\n${result.output}`,
  );
}
