import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

interface LockedPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

/**
 * npm resolves a dependency from the lock by walking up node_modules folders, as Node does:
 * `node_modules/a/node_modules/b`, then `node_modules/b`.
 */
function resolveInLock(
  packages: Record<string, LockedPackage>,
  from: string,
  name: string,
): string | undefined {
  let folder = from;
  for (;;) {
    const candidate = `${folder ? `${folder}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!folder) return undefined;
    const parent = folder.lastIndexOf("/node_modules/");
    folder = parent < 0 ? "" : folder.slice(0, parent);
  }
}

describe("package-lock.json", () => {
  // npm writes into the lock only the platform binaries it can resolve. A lock without another
  // platform's optional binary makes `npm ci` refuse ("Missing: … from lock file") and `npm install`
  // add it, leaving the checkout dirty.
  it("locks every platform's optional binaries of every locked package", async () => {
    const lock = JSON.parse(
      await readFile(path.join(projectRoot, "package-lock.json"), "utf8"),
    ) as {
      packages: Record<string, LockedPackage>;
    };
    const missing: string[] = [];
    let checked = 0;
    for (const [folder, locked] of Object.entries(lock.packages)) {
      for (const name of Object.keys(locked.optionalDependencies ?? {})) {
        checked++;
        if (!resolveInLock(lock.packages, folder, name))
          missing.push(`${name} (for ${folder || "the project"})`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
