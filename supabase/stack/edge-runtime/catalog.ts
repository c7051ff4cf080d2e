import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { ProjectConfig } from "../config/project-config.ts";

/** One function as `supabase functions serve` resolves it. */
export interface FunctionSpec {
  name: string;
  /** Absolute path of the entry module. */
  entrypoint: string;
  /** The function's deno.json(c), which Deno reads for `imports` (npm: dependencies) and options. */
  denoConfig: string | undefined;
  /** An import map from config.toml or the shared functions/import_map.json, when there is no deno.json. */
  importMap: string | undefined;
  verifyJwt: boolean;
}

/** The CLI's slug rule: a function is `functions/<slug>/index.ts` with a slug like this one. */
const slugPattern = /^[A-Za-z][A-Za-z0-9_-]*$/;

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

async function firstFile(files: string[]): Promise<string | undefined> {
  for (const file of files) if (await isFile(file)) return file;
  return undefined;
}

/**
 * Resolves a function at request time, so functions added or removed while the stack runs are
 * served or not without a restart. `[functions.<name>]` of config.toml may move its entry point
 * (relative to config.toml's folder), set an import map, disable it, or turn verify_jwt off.
 */
export async function resolveFunction(
  name: string,
  config: ProjectConfig,
  paths: { functionsDir: string; configDir: string },
): Promise<FunctionSpec | undefined> {
  if (!slugPattern.test(name)) return undefined;
  const settings = config.functions[name];
  if (settings?.enabled === false) return undefined;
  const entrypoint = settings?.entrypoint
    ? path.resolve(paths.configDir, settings.entrypoint)
    : path.join(paths.functionsDir, name, "index.ts");
  if (!(await isFile(entrypoint))) return undefined;
  const dir = path.dirname(entrypoint);
  // The CLI takes config.toml's import_map first (a deno.json there is a Deno config), then the
  // function's own deno.json(c), then the shared functions/import_map.json.
  const configured = settings?.import_map
    ? path.resolve(paths.configDir, settings.import_map)
    : undefined;
  const denoConfig = configured
    ? /deno\.jsonc?$/.test(configured)
      ? configured
      : undefined
    : await firstFile([path.join(dir, "deno.json"), path.join(dir, "deno.jsonc")]);
  const importMap = denoConfig
    ? undefined
    : (configured ?? (await firstFile([path.join(paths.functionsDir, "import_map.json")])));
  return { name, entrypoint, denoConfig, importMap, verifyJwt: settings?.verify_jwt ?? true };
}

/**
 * Every function the stack would serve now: the folders of `functions/` and the `[functions.*]`
 * of config.toml, resolved as a request would resolve them.
 */
export async function listFunctions(
  config: ProjectConfig,
  paths: { functionsDir: string; configDir: string },
): Promise<FunctionSpec[]> {
  const folders = await readdir(paths.functionsDir, { withFileTypes: true }).catch(() => []);
  const names = new Set([
    ...folders.filter((entry) => entry.isDirectory()).map((entry) => entry.name),
    ...Object.keys(config.functions),
  ]);
  const specs = await Promise.all(
    [...names].sort().map((name) => resolveFunction(name, config, paths)),
  );
  return specs.filter((spec) => spec !== undefined);
}
