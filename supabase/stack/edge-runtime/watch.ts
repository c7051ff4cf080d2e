import { watch, type FSWatcher } from "node:fs";

export interface FunctionChanges {
  /** A function's own folder changed: only it restarts. */
  function(name: string): void;
  /** Shared code, a shared config or the secrets changed: every function restarts. */
  everything(): void;
}

/**
 * Hot reload as `supabase functions serve` does it: an edit under `functions/` makes the next
 * request to the affected functions boot fresh code. Folders starting with `_` (such as
 * `_shared/`) and files directly in `functions/` (.env, deno.json, import_map.json) affect all.
 * Returns undefined when the folder does not exist (there is nothing to serve or watch).
 */
export function watchFunctions(
  functionsDir: string,
  changes: FunctionChanges,
): FSWatcher | undefined {
  try {
    const watcher = watch(functionsDir, { recursive: true }, (_event, filename) => {
      const [first, ...rest] = (filename ?? "").split(/[\\/]/);
      if (!first || first.startsWith("_") || rest.length === 0) changes.everything();
      else changes.function(first);
    });
    watcher.on("error", () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
