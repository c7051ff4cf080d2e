/**
 * The SQL editor: runs a script as postgres (as it is, so VACUUM or CREATE INDEX CONCURRENTLY
 * work) or as a chosen role or user (in one transaction, switched as REST switches), answers every
 * statement's result with values as PostgreSQL prints them, reports an error with its line and
 * column, and keeps a history and named snippets as JSON files in the console's data folder.
 * A running script is cancelled with pg_cancel_backend, by its run id or when the page goes away.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { lineAt } from "../../database/connection.ts";
import { callerFor, runAs } from "../acting.ts";
import { StudioError, type Section, type StudioContext } from "../section.ts";

/** Rows a result keeps: the grid is for reading, not for exporting a table. */
const rowLimit = 1000;
const historyLimit = 200;

interface HistoryEntry {
  at: string;
  sql: string;
  as: string;
  ok: boolean;
  milliseconds: number;
  message?: string;
}

/** Every value as PostgreSQL's text output, as psql shows it (no JavaScript Dates or numbers). */
const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch {
    return fallback;
  }
}

/** Written whole to a temporary file and renamed, so a crash never leaves half a file. */
async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(value, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Line and column of a 1-based character position in `sql`. */
function located(sql: string, position: number): { line: number; column: number } {
  const line = lineAt(sql, position);
  const lineStart = sql.lastIndexOf("\n", position - 2) + 1;
  return { line, column: position - lineStart };
}

export function createSqlSection(ctx: StudioContext): Section {
  const historyFile = path.join(ctx.dataDir, "sql-history.json");
  const snippetsFile = path.join(ctx.dataDir, "sql-snippets.json");
  const running = new Map<string, AbortController>();
  // Writes to one file follow each other, so two runs finishing together keep both entries.
  let writes = Promise.resolve();
  const remember = (entry: HistoryEntry) => {
    writes = writes.then(async () => {
      const history = await readJson<HistoryEntry[]>(historyFile, []);
      await writeJson(historyFile, [entry, ...history].slice(0, historyLimit));
    });
    return writes;
  };

  return {
    id: "sql",
    title: "SQL editor",
    routes: {
      async "POST /run"({ body, signal }) {
        const { sql, as, runId } = (body ?? {}) as { sql?: unknown; as?: unknown; runId?: unknown };
        if (typeof sql !== "string" || sql.trim() === "")
          throw new StudioError(400, "there is no SQL to run");
        const caller = await callerFor(ctx.db, as);
        const controller = new AbortController();
        signal.addEventListener("abort", () => controller.abort(), { once: true });
        if (typeof runId === "string") running.set(runId, controller);
        const started = performance.now();
        const entry = { at: new Date().toISOString(), sql, as: String(as ?? "postgres") };
        try {
          const query = async (client: pg.ClientBase) => {
            const result = (await client.query({
              text: sql,
              rowMode: "array",
              types: asText,
            })) as unknown as pg.QueryArrayResult | pg.QueryArrayResult[];
            return (Array.isArray(result) ? result : [result]).map((one) => ({
              command: one.command,
              rowCount: one.rowCount,
              columns: (one.fields ?? []).map((field) => field.name),
              rows: (one.rows ?? []).slice(0, rowLimit),
              truncated: (one.rows?.length ?? 0) > rowLimit,
            }));
          };
          // postgres runs the script as it is; a role runs it in one transaction, switched first.
          const results = caller
            ? await runAs(ctx.db, caller, query, { signal: controller.signal })
            : await runPlain(ctx.db, query, controller.signal);
          const milliseconds = performance.now() - started;
          await remember({ ...entry, ok: true, milliseconds });
          return { results, milliseconds };
        } catch (error) {
          const e = error as pg.DatabaseError;
          await remember({
            ...entry,
            ok: false,
            milliseconds: performance.now() - started,
            message: e.message,
          });
          if (e.position) Object.assign(e, located(sql, Number(e.position)));
          throw error;
        } finally {
          if (typeof runId === "string") running.delete(runId);
        }
      },
      "POST /cancel"({ body }) {
        const runId = (body as { runId?: unknown } | undefined)?.runId;
        const controller = typeof runId === "string" ? running.get(runId) : undefined;
        if (!controller) throw new StudioError(404, "no such query is running");
        controller.abort();
        return { cancelled: true };
      },
      async "GET /history"() {
        return readJson<HistoryEntry[]>(historyFile, []);
      },
      async "GET /snippets"() {
        return readJson<Record<string, string>>(snippetsFile, {});
      },
      async "PUT /snippets/:name"({ params, body }) {
        const sql = (body as { sql?: unknown } | undefined)?.sql;
        if (typeof sql !== "string") throw new StudioError(400, "a snippet needs its sql");
        const name = params.name!.trim();
        if (!name) throw new StudioError(400, "a snippet needs a name");
        const snippets = await readJson<Record<string, string>>(snippetsFile, {});
        await writeJson(snippetsFile, { ...snippets, [name]: sql });
        return { name };
      },
      async "DELETE /snippets/:name"({ params }) {
        const snippets = await readJson<Record<string, string>>(snippetsFile, {});
        if (!(params.name! in snippets)) throw new StudioError(404, `no snippet ${params.name}`);
        delete snippets[params.name!];
        await writeJson(snippetsFile, snippets);
        return { deleted: params.name };
      },
    },
  };
}

/**
 * A script as postgres outside any transaction of ours, cancellable like the others. Whatever it
 * left on the session (an open transaction, SET ROLE, settings) is undone before the connection
 * goes back to the pool.
 */
async function runPlain<T>(
  db: pg.Pool,
  work: (client: pg.ClientBase) => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  const client = await db.connect();
  const pid = (await client.query("select pg_backend_pid() as pid")).rows[0].pid as number;
  const cancel = () => void db.query("select pg_cancel_backend($1)", [pid]).catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  try {
    return await work(client);
  } finally {
    signal.removeEventListener("abort", cancel);
    await client.query("rollback").catch(() => undefined);
    const clean = await client.query("discard all").then(
      () => true,
      () => false,
    );
    client.release(!clean);
  }
}
