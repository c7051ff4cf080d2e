// Types of build-cache.js, which stays plain JavaScript for start.js (run by Node without a loader).
import type { BuildOptions } from "esbuild";

export function buildCached(
  options: BuildOptions,
  cache: { cacheFile: string; key: string },
): Promise<{ code: string; fromCache: boolean }>;
