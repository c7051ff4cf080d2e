/**
 * Cron, webhooks and functions, as the dashboard's Integrations and Edge Functions pages: pg_cron's
 * jobs and their runs, pg_net's requests and responses, Database Webhooks (triggers that call
 * supabase_functions.http_request), and each edge function's recent invocations and log lines,
 * which the edge runtime publishes on the kernel's event bus and this section keeps.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { ident } from "../../database/identifiers.ts";
import {
  subscribe,
  type FunctionInvocationEvent,
  type FunctionLogEvent,
} from "../../http/events.ts";
import { parse } from "../input.ts";
import { streamed, StudioError, type Section, type StudioContext } from "../section.ts";

/** What is kept of functions' traffic while the stack runs, newest last. */
const keptInvocations = 500;
const keptLogLines = 1000;

const jobId = z.coerce.number().int().positive();
const activation = z.object({ active: z.boolean() });

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]*$/, { error: "is not a plain SQL name" });
const webhook = z.object({
  name,
  schema: name,
  table: name,
  events: z.array(z.enum(["INSERT", "UPDATE", "DELETE"])).min(1),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["POST", "GET"]).default("POST"),
  headers: z.record(z.string(), z.string()).default({ "Content-Type": "application/json" }),
  params: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().min(1).max(10_000).default(5000),
});

/** The trigger function of every Database Webhook. */
const hookFunction = "supabase_functions.http_request";

/** A schema the database may lack (an extension not created): its queries answer nothing then. */
async function exists(ctx: StudioContext, relation: string): Promise<boolean> {
  const { rows } = await ctx.db.query("select pg_catalog.to_regclass($1) is not null as found", [
    relation,
  ]);
  return rows[0]!.found === true;
}

/**
 * The functions the stack serves: folders of the functions folder with an index.ts, and the
 * `[functions.*]` of config.toml that are not disabled, with those invoked since start.
 */
async function functionNames(ctx: StudioContext, invoked: Iterable<string>): Promise<string[]> {
  const folders = await readdir(ctx.functionsDir, { withFileTypes: true }).catch(() => []);
  const withEntry = await Promise.all(
    folders
      .filter((entry) => entry.isDirectory() && /^[A-Za-z]/.test(entry.name))
      .map(async (entry) =>
        (await readdir(path.join(ctx.functionsDir, entry.name))).includes("index.ts")
          ? entry.name
          : undefined,
      ),
  );
  const names = new Set([
    ...withEntry.filter((entry) => entry !== undefined),
    ...Object.keys(ctx.config.functions),
    ...invoked,
  ]);
  for (const [fn, settings] of Object.entries(ctx.config.functions))
    if (settings.enabled === false) names.delete(fn);
  return [...names].sort();
}

export function functionsSection(ctx: StudioContext): Section {
  const invocations: FunctionInvocationEvent[] = [];
  const logs: FunctionLogEvent[] = [];
  const keep = <T>(list: T[], item: T, limit: number) => {
    list.push(item);
    if (list.length > limit) list.shift();
  };
  const live = new Set<(event: string, data: unknown) => void>();
  const unsubscribe = [
    subscribe("function-invocation", (event) => {
      keep(invocations, event, keptInvocations);
      for (const send of live) send("invocation", event);
    }),
    subscribe("function-log", (event) => {
      keep(logs, event, keptLogLines);
      for (const send of live) send("log", event);
    }),
  ];

  return {
    id: "functions",
    title: "Cron, webhooks & functions",
    routes: {
      async "GET /cron"() {
        if (!(await exists(ctx, "cron.job"))) return [];
        const { rows } = await ctx.db.query(
          `select j.jobid, j.jobname, j.schedule, j.command, j.username, j.active,
                  last.status as last_status, last.start_time as last_start, last.end_time as last_end,
                  last.return_message as last_message
             from cron.job j
             left join lateral (select status, start_time, end_time, return_message from cron.job_run_details d
                                 where d.jobid = j.jobid order by d.runid desc limit 1) last on true
            order by j.jobname nulls last, j.jobid`,
        );
        return rows;
      },

      async "GET /cron/:id/runs"({ params }) {
        const id = parse(jobId, params.id);
        const { rows } = await ctx.db.query(
          `select runid, status, return_message, start_time, end_time,
                  round(extract(epoch from end_time - start_time) * 1000) as milliseconds
             from cron.job_run_details where jobid = $1 order by runid desc limit 100`,
          [id],
        );
        return rows;
      },

      /** Pauses or resumes a job through pg_cron's own alter_job. */
      async "POST /cron/:id/active"({ params, body }) {
        const id = parse(jobId, params.id);
        const { active } = parse(activation, body);
        const { rowCount } = await ctx.db.query("select from cron.job where jobid = $1", [id]);
        if (!rowCount) throw new StudioError(404, `no cron job ${id}`);
        await ctx.db.query("select cron.alter_job(job_id => $1, active => $2)", [id, active]);
        return { jobid: id, active };
      },

      /**
       * pg_net's requests: those still queued (with their URL), and the responses recorded (pg_net
       * keeps no URL with a response; a webhook's names its trigger through supabase_functions.hooks).
       */
      async "GET /net"() {
        if (!(await exists(ctx, "net._http_response"))) return { queued: [], responses: [] };
        const hooks = await exists(ctx, "supabase_functions.hooks");
        const [queued, responses] = await Promise.all([
          ctx.db.query(
            `select id, method, url, headers, timeout_milliseconds from net.http_request_queue order by id desc limit 100`,
          ),
          ctx.db.query(
            `select r.id, r.status_code, r.content_type, r.timed_out, r.error_msg, r.created,
                    left(r.content, 2000) as content, ${hooks ? "h.hook_name" : "null"} as hook
               from net._http_response r
               ${hooks ? "left join supabase_functions.hooks h on h.request_id = r.id" : ""}
              order by r.created desc, r.id desc limit 100`,
          ),
        ]);
        return { queued: queued.rows, responses: responses.rows };
      },

      async "GET /webhooks"() {
        if (!(await exists(ctx, "supabase_functions.hooks"))) return [];
        const { rows } = await ctx.db.query<{
          name: string;
          schema: string;
          table: string;
          type: number;
          enabled: string;
          args: Buffer;
        }>(
          `select t.tgname as name, n.nspname as schema, c.relname as table, t.tgtype as type,
                  t.tgenabled as enabled, t.tgargs as args
             from pg_catalog.pg_trigger t
             join pg_catalog.pg_class c on c.oid = t.tgrelid
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where not t.tgisinternal and t.tgfoid = $1::regproc
            order by n.nspname, c.relname, t.tgname`,
          [hookFunction],
        );
        return rows.map((row) => {
          // tgargs is the trigger's arguments, each ended by a zero byte.
          const [url, method, headers, params, timeout] = row.args.toString("utf8").split("\0");
          return {
            name: row.name,
            schema: row.schema,
            table: row.table,
            // pg_trigger.tgtype's bits: 4 INSERT, 8 DELETE, 16 UPDATE.
            events: [
              [4, "INSERT"],
              [16, "UPDATE"],
              [8, "DELETE"],
            ].flatMap(([bit, event]) => ((row.type & (bit as number)) !== 0 ? [event] : [])),
            enabled: row.enabled !== "D",
            url,
            method,
            headers,
            params,
            timeoutMs: timeout ? Number(timeout) : null,
          };
        });
      },

      /** A Database Webhook, as the dashboard's editor writes it: an after-row trigger on the table. */
      async "POST /webhooks"({ body }) {
        const hook = parse(webhook, body);
        const literal = (value: string) => pg.escapeLiteral(value);
        await ctx.db.query(
          `create trigger ${ident(hook.name)} after ${hook.events.join(" or ")}
             on ${ident(hook.schema)}.${ident(hook.table)} for each row
             execute function ${hookFunction}(${[
               hook.url,
               hook.method,
               JSON.stringify(hook.headers),
               JSON.stringify(hook.params),
               String(hook.timeoutMs),
             ]
               .map(literal)
               .join(", ")})`,
        );
        return { name: hook.name, schema: hook.schema, table: hook.table };
      },

      async "DELETE /webhooks/:schema/:table/:name"({ params }) {
        const target = parse(z.object({ schema: name, table: name, name }), params);
        const { rowCount } = await ctx.db.query(
          `select from pg_catalog.pg_trigger t
             join pg_catalog.pg_class c on c.oid = t.tgrelid
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and t.tgname = $3 and t.tgfoid = $4::regproc`,
          [target.schema, target.table, target.name, hookFunction],
        );
        if (!rowCount)
          throw new StudioError(
            404,
            `no webhook ${target.name} on ${target.schema}.${target.table}`,
          );
        await ctx.db.query(
          `drop trigger ${ident(target.name)} on ${ident(target.schema)}.${ident(target.table)}`,
        );
        return { deleted: target.name };
      },

      /** Each function with its count of invocations since start and its last one. */
      async "GET /functions"() {
        const names = await functionNames(
          ctx,
          invocations.map((invocation) => invocation.function),
        );
        return names.map((fn) => {
          const own = invocations.filter((invocation) => invocation.function === fn);
          return { name: fn, invocations: own.length, last: own.at(-1) ?? null };
        });
      },

      "GET /functions/:name"({ params }) {
        return Promise.resolve({
          invocations: invocations.filter((event) => event.function === params.name).reverse(),
          logs: logs.filter((event) => event.function === params.name).reverse(),
        });
      },

      /** Invocations and log lines as they happen, as server-sent events. */
      "GET /live"(request) {
        const send = request.stream();
        live.add(send);
        request.signal.addEventListener("abort", () => live.delete(send), { once: true });
        return Promise.resolve(streamed);
      },
    },
    close() {
      for (const stop of unsubscribe) stop();
      live.clear();
      return Promise.resolve();
    },
  };
}
