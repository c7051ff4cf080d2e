import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { describePgError } from "./connection.ts";
import { transaction } from "./session.ts";

/** Runs every `*.sql` in `dir` in name order, all in one transaction: a broken seed leaves nothing. */
export async function applySeed(client: pg.Client, dir: string): Promise<string[]> {
  const files = (await readdir(dir).catch(() => [] as string[]))
    .filter((file) => file.endsWith(".sql"))
    .sort();
  let current = { file: "", sql: "" };
  try {
    await transaction(client, async () => {
      for (const file of files) {
        current = { file, sql: await readFile(path.join(dir, file), "utf8") };
        await client.query(current.sql);
      }
    });
  } catch (error) {
    throw new Error(
      `seed ${path.join(dir, current.file)} failed at ${describePgError(error, current.sql)} — no seed data was written`,
      { cause: error },
    );
  }
  return files;
}
