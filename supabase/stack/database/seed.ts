import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { describePgError } from "./connection.ts";

/** Runs every `*.sql` in `dir` in name order, all in one transaction: a broken seed leaves nothing. */
export async function applySeed(client: pg.Client, dir: string): Promise<string[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.endsWith(".sql")).sort();
  await client.query("begin");
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), "utf8");
    try {
      await client.query(sql);
    } catch (error) {
      await client.query("rollback");
      throw new Error(`seed ${path.join(dir, file)} failed at ${describePgError(error, sql)} — no seed data was written`, { cause: error });
    }
  }
  await client.query("commit");
  return files;
}
