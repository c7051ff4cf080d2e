import { readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** Control files and install scripts beside this module: extensions hosted Supabase has and the embedded server lacks. */
const sourceDir = import.meta.dirname;

/**
 * Copies the stack's SQL-only extensions into the embedded server's extension directory, where
 * `create extension` looks for them. A file already there with the same content is left alone;
 * others are written beside and renamed into place, so stacks starting at once from the same
 * node_modules never see half a file.
 */
export async function installExtensionFiles(
  extensionDir: string,
  log: (line: string) => void,
): Promise<void> {
  const files = (await readdir(sourceDir)).filter(
    (file) => file.endsWith(".control") || file.endsWith(".sql"),
  );
  for (const file of files) {
    const target = path.join(extensionDir, file);
    const content = await readFile(path.join(sourceDir, file), "utf8");
    if ((await readFile(target, "utf8").catch(() => undefined)) === content) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, content, { mode: 0o644 });
      await rename(temporary, target);
    } catch (error) {
      // Not fatal: only a migration that creates this extension needs it, and it then fails naming it.
      log(
        `cannot install ${file} into ${extensionDir} (${(error as Error).message}): create extension ${file.split(/--|\./)[0]} will fail`,
      );
    }
  }
}
